/** Message patterns of images, served by the images service. Commands are verbs. */
export const ImagesPatterns = {
  list: 'images.images.list',
  findById: 'images.images.find-by-id',
  update: 'images.images.update',
  remove: 'images.images.remove',
  usage: 'images.usage.get',
  stats: 'images.stats.get',
  sweepOrphans: 'images.storage.sweep-orphans',
} as const;
export type ImagesPattern = (typeof ImagesPatterns)[keyof typeof ImagesPatterns];

/**
 * Paths of the images service's own HTTP listener, which only the gateway calls: bytes travel
 * there as streams instead of through the message transport (docs/decisions.md, "How image
 * bytes travel"). The gateway forwards the caller's access token; the service verifies it.
 */
export const ImagesHttpPaths = {
  upload: '/internal/images',
  content: (id: string) => `/internal/images/${id}/content`,
  publicContent: (token: string) => `/internal/images/public/${token}/content`,
} as const;

/** Facts the images service publishes about images. Events are past tense (see events.ts). */
export const ImagesEvents = {
  uploaded: 'images.image.uploaded',
  updated: 'images.image.updated',
  deleted: 'images.image.deleted',
} as const;

export interface ImageUploadedEvent {
  id: string;
  ownerId: string;
  contentType: string;
  /** Size of the stored original. */
  bytes: number;
  /** Everything stored for it: the original and its variants. */
  storedBytes: number;
  width: number;
  height: number;
}

export interface ImageUpdatedEvent {
  id: string;
  ownerId: string;
  /** The fields the change set. */
  changed: string[];
}

/** Deleted by its owner or an admin, or with its owner's account (`users.deleted`). */
export interface ImageDeletedEvent {
  id: string;
  ownerId: string;
  /** What the delete freed: the original and its variants. */
  storedBytes: number;
}
