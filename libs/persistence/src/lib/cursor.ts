import { Types } from 'mongoose';

/** Page cursors are the base64url form of the last ObjectId of the previous page. */
export function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(id.toHexString(), 'hex').toString('base64url');
}

export function decodeCursor(cursor: string): Types.ObjectId | null {
  const bytes = Buffer.from(cursor, 'base64url');
  return bytes.length === 12 ? new Types.ObjectId(bytes.toString('hex')) : null;
}
