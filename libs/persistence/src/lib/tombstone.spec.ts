import { findLiveById } from './tombstone';

/** A model whose findById answers with `doc`, recording the projection asked for. */
function modelWith(doc: Record<string, unknown> | null) {
  const asked: { id?: unknown; select?: string } = {};
  const query = {
    select(fields: string) {
      asked.select = fields;
      return query;
    },
    lean: () => ({ exec: async () => doc }),
  };
  return { asked, model: { findById: (id: unknown) => ((asked.id = id), query) } };
}

describe('findLiveById', () => {
  it('returns a live document, asking by _id alone', async () => {
    const { asked, model } = modelWith({ _id: 'a', name: 'A' });
    await expect(findLiveById(model as never, 'a')).resolves.toEqual({ _id: 'a', name: 'A' });
    expect(asked).toEqual({ id: 'a' });
  });

  it('treats a deleted document as absent', async () => {
    const { model } = modelWith({ _id: 'a', deletedAt: new Date() });
    await expect(findLiveById(model as never, 'a')).resolves.toBeNull();
  });

  it('returns null when nothing has the id', async () => {
    await expect(findLiveById(modelWith(null).model as never, 'a')).resolves.toBeNull();
  });

  it('passes an additive projection on', async () => {
    const { asked, model } = modelWith({ _id: 'a', passwordHash: 'h' });
    await expect(findLiveById(model as never, 'a', '+passwordHash')).resolves.toMatchObject({ passwordHash: 'h' });
    expect(asked.select).toBe('+passwordHash');
  });
});
