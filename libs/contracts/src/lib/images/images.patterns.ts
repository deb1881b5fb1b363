/** Message patterns of images, served by the images service. Commands are verbs. */
export const ImagesPatterns = {
  create: 'images.images.create',
  list: 'images.images.list',
  findById: 'images.images.find-by-id',
  update: 'images.images.update',
  remove: 'images.images.remove',
} as const;
export type ImagesPattern = (typeof ImagesPatterns)[keyof typeof ImagesPatterns];

/** Facts the images service publishes about images. Events are past tense (see events.ts). */
export const ImagesEvents = {
  created: 'images.image.created',
  updated: 'images.image.updated',
  deleted: 'images.image.deleted',
} as const;

export interface ImageCreatedEvent {
  id: string;
  ownerId: string;
  name: string;
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
}
