import { returningRows } from './sql';

describe('returningRows', () => {
  it('unwraps the [rows, count] shape of UPDATE … RETURNING', async () => {
    expect(await returningRows({ query: async () => [[{ id: 'a' }], 1] }, 'UPDATE', [])).toEqual([{ id: 'a' }]);
  });
  it('passes plain row arrays through, even of length 2', async () => {
    expect(await returningRows({ query: async () => [{ id: 'a' }, { id: 'b' }] }, 'INSERT', [])).toEqual([{ id: 'a' }, { id: 'b' }]);
  });
});
