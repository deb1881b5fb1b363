import { Types } from 'mongoose';
import { decodeCursor, encodeCursor } from './cursor';

describe('page cursors', () => {
  it('round-trip an ObjectId through a 16-character url-safe cursor', () => {
    const id = new Types.ObjectId();
    const cursor = encodeCursor(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(decodeCursor(cursor)?.equals(id)).toBe(true);
  });

  it('decode to null when the cursor is not 12 bytes', () => {
    expect(decodeCursor('AAAA')).toBeNull();
  });
});
