/** Animation-frame scheduling (in a .ts file: the .vue lint has no browser globals). */
export const nextFrame = (callback: () => void): number => requestAnimationFrame(callback);
export const cancelFrame = (id: number): void => cancelAnimationFrame(id);
