import { describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';

describe('smoke', () => {
  it('imports the package by name from source', () => {
    const p = createPolicy({ origin: 'https://a.example' });
    expect(p.decide({ method: 'GET', origin: 'https://a.example' }).allowed).toBe(true);
  });
});
