import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { backendFromUrl } from './backendUrl';
import { useStudio } from './store';
import './styles.css';

declare global {
  interface Window {
    /** The store, in dev and e2e builds, for Playwright's `expect.poll`. */
    __store?: typeof useStudio;
  }
}

if (import.meta.env.DEV || import.meta.env.MODE === 'e2e') window.__store = useStudio;

void useStudio.getState().startBackend(backendFromUrl());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
