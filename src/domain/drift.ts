/**
 * Drift: an instance runs on an image other than the one the next launch would use. Compared by image only,
 * as DOMAIN.md says: a changed instance type or MCI that still yields the same image is not drift.
 */

export interface LaunchedImage {
  imageId: string;
}

export interface NextLaunchImage {
  image: { id: string } | null;
}

/** Whether an instance was launched with the image its parent's next launch would use. */
export function matchesNextLaunch(instance: LaunchedImage, next: NextLaunchImage): boolean {
  return next.image !== null && next.image.id === instance.imageId;
}

/** A server drifts when it runs and its current instance does not match its next launch. */
export function hasImageDrift(currentInstance: LaunchedImage | null, next: NextLaunchImage): boolean {
  return currentInstance !== null && !matchesNextLaunch(currentInstance, next);
}
