/**
 * Who runs the frozen prefix when the feature cache is built: tfjs itself, or an inference engine (ONNX Runtime)
 * given the prefix exported in memory. Everything that trains stays on tfjs; only the cache's forward pass moves.
 */
export type TrunkEngineName = 'tfjs' | 'onnx';

/** The user's choice: `auto` takes whichever measured faster for the backbone where the run happens. */
export type TrunkEngineChoice = TrunkEngineName | 'auto';

export interface TrunkRunner {
  readonly engine: TrunkEngineName;
  /** What the badge and the plan line say, e.g. "onnxruntime-node 1.30.0 (cpu, 2 threads)". */
  readonly label: string;
  /** One batch of prefix inputs, NHWC float32 as tfjs holds them; the prefix's outputs, each NHWC (or [n, d]) flat. */
  run(input: Float32Array, shape: [number, number, number, number]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** Builds a runner for a frozen prefix (a tfjs LayersModel cut by `splitFrozenPrefix`). */
export type TrunkRunnerFactory = (prefix: import('@tensorflow/tfjs').LayersModel) => Promise<TrunkRunner>;
