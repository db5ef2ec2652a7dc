import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** One learning-rate group: the variables (by tfjs variable name) its optimizer steps, at `multiplier` × lr. */
export interface LrGroup {
  name: string;
  multiplier: number;
  variables: string[];
}

/**
 * Discriminative learning rates (fastai's `slice(lr/100, lr)`): one optimizer per group, since Adam is invariant
 * to a gradient's scale and a multiplied gradient would not change its step. `minimize` computes the gradients
 * once (`tf.variableGrads`, tfjs's `Optimizer.minimize`) and each group's optimizer applies its own.
 * `setLearningRate(lr)` sets every group's to `multiplier · lr`; saved weights are each group's, prefixed `<i>:`.
 */
export class GroupOptimizer extends tf.Optimizer {
  static className = 'GroupOptimizer';
  private readonly groupOf = new Map<string, number>();

  constructor(
    readonly groups: LrGroup[],
    private readonly optimizers: tf.Optimizer[],
    private readonly setGroupLr: (optimizer: tf.Optimizer, lr: number) => void,
  ) {
    super();
    groups.forEach((g, i) => g.variables.forEach((v) => this.groupOf.set(v, i)));
  }

  setLearningRate(lr: number): void {
    this.optimizers.forEach((o, i) => this.setGroupLr(o, lr * this.groups[i].multiplier));
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const per: NamedTensor[][] = this.optimizers.map(() => []);
    for (const g of named) {
      const i = this.groupOf.get(g.name);
      if (i === undefined) throw new Error(`variable ${g.name} is in no learning-rate group`);
      per[i].push(g);
    }
    per.forEach((grads, i) => grads.length && this.optimizers[i].applyGradients(grads));
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const all = await Promise.all(this.optimizers.map((o) => o.getWeights()));
    return all.flatMap((ws, i) => ws.map((w) => ({ name: `${i}:${w.name}`, tensor: w.tensor })));
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await Promise.all(
      this.optimizers.map((o, i) => {
        const prefix = `${i}:`;
        return o.setWeights(weightValues.filter((w) => w.name.startsWith(prefix)).map((w) => ({ name: w.name.slice(prefix.length), tensor: w.tensor })));
      }),
    );
  }

  override dispose(): void {
    this.optimizers.forEach((o) => o.dispose());
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { groups: this.groups.map((g) => ({ name: g.name, multiplier: g.multiplier })) };
  }
}
