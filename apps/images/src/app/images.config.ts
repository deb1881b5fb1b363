import { ServiceConfig } from '@site11/config';
import { Matches } from 'class-validator';

export class ImagesConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'IMAGES_DB_NAME must be 1-63 letters, digits, _ or -' })
  IMAGES_DB_NAME = 'images_db';

  override HEALTH_PORT = 3104;
}
