/** Error codes of the images service (`<SERVICE>.<REASON>`). */
export const ImagesErrors = {
  notFound: 'IMAGES.IMAGE_NOT_FOUND',
  /** The bytes are not JPEG, PNG, WebP, AVIF or GIF (decided from the bytes, never the name or header). */
  unsupportedType: 'IMAGES.UNSUPPORTED_TYPE',
  /** The upload is over the size limit (IMAGES_MAX_UPLOAD_BYTES); refused while streaming. */
  tooLarge: 'IMAGES.TOO_LARGE',
  /** Width × height over IMAGES_MAX_PIXELS: a decompression bomb is refused before decoding. */
  tooManyPixels: 'IMAGES.TOO_MANY_PIXELS',
  /** The header says image, the data does not decode (truncated, damaged). */
  corrupt: 'IMAGES.CORRUPT',
  /** The owner's stored bytes would pass the quota (IMAGES_QUOTA_BYTES). */
  quotaExceeded: 'IMAGES.QUOTA_EXCEEDED',
  /** The multipart body has no `file` part, more than one, or an unknown field. */
  badUpload: 'IMAGES.BAD_UPLOAD',
  /** This instance has IMAGES_MAX_UPLOADS_IN_FLIGHT uploads under way; retry after `Retry-After`. */
  busy: 'IMAGES.BUSY',
  /** The caller has IMAGES_MAX_UPLOADS_PER_USER uploads under way already. */
  tooManyUploads: 'IMAGES.TOO_MANY_UPLOADS',
  /** A `Range` outside the content. */
  rangeNotSatisfiable: 'IMAGES.RANGE_NOT_SATISFIABLE',
} as const;
