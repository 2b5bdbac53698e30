/**
 * The project's typed errors: callers pick an error code by class (`instanceof`), never by
 * matching the message text.
 */

/** A mask that does not fit its image (size, byte count) or its project (a value that is no class nor void). */
export class MaskRejectedError extends Error {
  override readonly name = 'MaskRejectedError';
}

/** No image with this id in the project. */
export class UnknownImageError extends Error {
  override readonly name = 'UnknownImageError';
  constructor(
    readonly id: string,
    project: string,
  ) {
    super(`no image "${id}" in project ${project}`);
  }
}
