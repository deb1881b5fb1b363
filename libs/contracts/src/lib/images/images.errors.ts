/** Error codes of images in the images service (`<SERVICE>.<REASON>`). */
export const ImagesErrors = {
  notFound: 'IMAGES.IMAGE_NOT_FOUND',
} as const;
