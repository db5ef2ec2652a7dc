import { useEffect, useRef, useState, type DragEvent } from 'react';
import { formatModulePath, type ModuleNode } from '../../engine/models';
import { formatCount, formatShape } from '../formatCount';
import { useStudio } from '../store';
import { UndoButton } from './UndoButton';
import { WeightsBadge } from './WeightsBadge';
import { WeightsImport } from './WeightsImport';
import { EXPAND_DEPTH } from '../store/uiSlice';
import { freezeState } from '../tree/freezeState';

function TrainToggle({ node }: { node: ModuleNode }) {
  const state = freezeState(node);
  const ref = useRef<HTMLInputElement>(null);
  const toggle = useStudio((s) => s.toggleModule);
  const pending = useStudio((s) => s.pendingPath === node.path);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'mixed';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="train-toggle"
      checked={state === 'on'}
      disabled={state === 'empty'}
      aria-busy={pending || undefined}
      aria-label={`Train ${formatModulePath(node.path)}`}
      onChange={() => void toggle(node.path)}
    />
  );
}

function ModuleRow({ node, depth }: { node: ModuleNode; depth: number }) {
  const open = useStudio((s) => s.expanded[node.path] ?? depth < EXPAND_DEPTH);
  const setExpanded = useStudio((s) => s.setExpanded);
  const label = formatModulePath(node.path);
  const state = freezeState(node);
  const hasChildren = node.children.length > 0;
  return (
    <li data-testid={`module-${node.path}`} className={`module module-${state}`}>
      <div className="row" style={{ paddingLeft: `${depth * 1.1 + 0.4}rem` }}>
        {hasChildren ? (
          <button
            type="button"
            className="twisty"
            aria-expanded={open}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${label}`}
            onClick={() => setExpanded(node.path, !open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="twisty" aria-hidden />
        )}
        <TrainToggle node={node} />
        <span className="path">{label}</span>
        <span className="type">{node.type}</span>
        <span className="shape">{formatShape(node.outputShape)}</span>
        <span className="params" data-testid={`params-${node.path}`}>
          {node.params === 0 ? (
            '—'
          ) : (
            <>
              <span className="trainable-count">{formatCount(node.trainableParams)}</span>
              <span className="muted"> / {formatCount(node.params)}</span>
            </>
          )}
        </span>
      </div>
      {hasChildren && open ? (
        <ul role="group">
          {node.children.map((child) => (
            <ModuleRow key={child.path} node={child} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** The model's modules, torch-style, each with a train toggle and trainable / total parameters. */
export function ModuleTree() {
  const tree = useStudio((s) => s.modelView?.tree);
  const status = useStudio((s) => s.modelStatus);
  const error = useStudio((s) => s.modelError);
  const config = useStudio((s) => s.modelConfig);
  const importWeights = useStudio((s) => s.importWeights);
  const [dragging, setDragging] = useState(false);
  const weightsFile = (e: DragEvent) => [...e.dataTransfer.files].find((f) => f.name.endsWith('.safetensors'));
  const onDragOver = (e: DragEvent) => {
    if (![...e.dataTransfer.items].some((i) => i.kind === 'file')) return;
    e.preventDefault();
    setDragging(true);
  };
  const onDrop = async (e: DragEvent) => {
    if (e.dataTransfer.files.length === 0) return;
    e.preventDefault(); // a file dropped here must not open in the tab
    setDragging(false);
    const file = weightsFile(e);
    if (!file) {
      useStudio.setState({ modelError: 'The tree takes a .safetensors state dict; datasets go in the dataset box.' });
      return;
    }
    await importWeights(await file.arrayBuffer(), file.name);
  };
  return (
    <section
      className={`tree-panel${dragging ? ' drop-target' : ''}`}
      aria-busy={status === 'building'}
      aria-labelledby="tree-title"
      data-testid="tree-panel"
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <div className="tree-bar">
        <h2 id="tree-title">Modules</h2>
        <WeightsBadge />
        <p>Tick a module to train it, untick to freeze it; a parent takes everything inside it along.</p>
        <UndoButton />
      </div>
      <WeightsImport />
      <div className="tree-head row" aria-hidden>
        <span className="twisty" />
        <span className="toggle-head">Train</span>
        <span className="path">Module</span>
        <span className="type">Type</span>
        <span className="shape">Output</span>
        <span className="params">Trainable / params</span>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {status === 'building' || (!tree && status !== 'error') ? (
        <div className="loading" role="status" data-testid="model-loading">
          <span className="spinner" aria-hidden />
          {config ? `Building ${config.backbone} + ${config.preset}…` : 'Starting…'}
        </div>
      ) : null}
      {tree && status !== 'building' ? (
        <ul className="tree" aria-label="Modules">
          <ModuleRow node={tree} depth={0} />
        </ul>
      ) : null}
    </section>
  );
}
