import { describe, expect, it } from 'vitest';
import { basePath } from './base';

describe('basePath', () => {
  it('is empty at the root', () => {
    expect(basePath('/app/')).toBe('');
    expect(basePath(null)).toBe('');
  });
  it('is the sub-path the server wrote into <base href>', () => {
    expect(basePath('/painel/app/')).toBe('/painel');
    expect(basePath('/a/b/app/')).toBe('/a/b');
  });
});
