/**
 * The one place where a tf.layers layer name becomes a module path. Helper layers that torch folds into
 * one module (explicit padding before a conv, say) are named `<path>__<what>`.
 */
export function modulePath(layerName: string): string {
  const cut = layerName.indexOf('__');
  return cut === -1 ? layerName : layerName.slice(0, cut);
}

/** `layer4.1.conv2` → [`layer4`, `layer4.1`, `layer4.1.conv2`]. */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** True when `path` is `root` or lies inside it. */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root + '.');
}

/** The only function that turns a module path into display text. */
export function formatModulePath(path: string): string {
  return path === '' ? '(model)' : path;
}
