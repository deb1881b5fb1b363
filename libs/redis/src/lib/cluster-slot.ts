/**
 * The Redis Cluster hash slot of a key (`CLUSTER KEYSLOT`): CRC16 (XMODEM) of the key, or of its
 * hash tag, the part between the first `{` and the next `}` when that part is not empty, modulo
 * 16384. Keys one script, transaction or multi-key command touches must share a slot.
 */
export function clusterSlotOf(key: string): number {
  const bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b); // {
  let start = 0;
  let end = bytes.length;
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i] << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** The one slot all these keys hash to, or null when they do not share one (Redis would answer CROSSSLOT). */
export function sharedClusterSlot(keys: readonly string[]): number | null {
  const slots = new Set(keys.map(clusterSlotOf));
  return slots.size === 1 ? [...slots][0] : null;
}
