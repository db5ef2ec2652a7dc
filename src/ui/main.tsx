import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { backendFromUrl } from './backendUrl';
import { useStudio } from './store';
import { modelWorker } from './workerClient';
import './styles.css';

declare global {
  interface Window {
    /** The store, in dev and e2e builds, for Playwright's `expect.poll`. */
    __store?: typeof useStudio;
    /** The trainer worker's client, in e2e builds, to inject faults (`injectFault`) the way a bug would throw. */
    __modelWorker?: typeof modelWorker;
  }
}

if (import.meta.env.DEV || import.meta.env.MODE === 'e2e') window.__store = useStudio;
if (import.meta.env.MODE === 'e2e') window.__modelWorker = modelWorker;

void useStudio.getState().startBackend(backendFromUrl());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
