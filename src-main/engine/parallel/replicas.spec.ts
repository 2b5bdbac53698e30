import { describe, expect, it } from 'vitest';
import { trainReplicas } from './replicas';

describe('trainReplicas', () => {
  const auto = { env: {}, backend: 'wasm', batchSize: 8, cores: 2 };
  it('uses two wasm replicas by default on 2 cores, one elsewhere', () => {
    expect(trainReplicas(auto).count).toBe(2);
    expect(trainReplicas({ ...auto, cores: 1 }).count).toBe(1);
    expect(trainReplicas({ ...auto, backend: 'tensorflow' })).toMatchObject({ count: 1, reason: expect.stringMatching(/wasm/) });
    expect(trainReplicas({ ...auto, batchSize: 1 }).count).toBe(1);
  });
  it('honours the config, then EADER_TRAIN_WORKERS', () => {
    expect(trainReplicas({ ...auto, env: { EADER_TRAIN_WORKERS: '1' } })).toMatchObject({ count: 1, reason: expect.stringMatching(/EADER_TRAIN_WORKERS=1/) });
    expect(trainReplicas({ ...auto, configured: 2, env: { EADER_TRAIN_WORKERS: '1' } }).count).toBe(2);
    expect(trainReplicas({ ...auto, configured: 1 }).count).toBe(1);
    expect(trainReplicas({ ...auto, cores: 1, env: { EADER_TRAIN_WORKERS: '2' } }).count).toBe(2);
    expect(() => trainReplicas({ ...auto, env: { EADER_TRAIN_WORKERS: 'two' } })).toThrow(/positive integer/);
  });
});
