/**
 * A run's weights settings (`pretrained`, `adversaryPretrained`: the table's text-or-null settings
 * with `weightsFor`) checked before anything is created: each names a file or a store entry, and
 * holds the backbone of the network it loads into. The result is the run record's provenance
 * (RunWeights: ref, resolved, SHA-256, backbone). The trainer calls it before it creates a run
 * folder; `eader train` and the Training area call it first too, to answer at once.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SETTINGS, type TrainConfig } from '@shared/domain/train-config';
import { WEIGHTS_SETTING_KEYS, type WeightsSettingKey } from '@shared/domain/train-presets';
import { NO_WEIGHTS, type RunWeights, type WeightsProvenance } from '@shared/domain/weights';
import { ConfigError } from '../engine/settings';
import { weightsProvenance } from './resolve';
import type { WeightsStore } from './store';

/** Which network of the run each weights setting loads into, for the record and for messages. */
const NETWORK: Record<WeightsSettingKey, keyof RunWeights> = { pretrained: 'localizer', adversaryPretrained: 'adversary' };

function networkSetting(key: WeightsSettingKey): 'backbone' | 'adversary' {
  const network = SETTINGS[key].weightsFor;
  if (network !== 'backbone' && network !== 'adversary') throw new Error(`${key}: weightsFor names no network setting`);
  return network;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * `config` with each weights reference that is a file (relative to `cwd`) made absolute: the
 * trainer runs in another folder, and a resumed run in yet another. Store names stay names.
 */
export async function absoluteWeightRefs(config: TrainConfig, cwd = process.cwd()): Promise<TrainConfig> {
  const next = { ...config };
  for (const key of WEIGHTS_SETTING_KEYS) {
    const ref = config[key];
    if (ref !== null && (await isFile(resolve(cwd, ref)))) next[key] = resolve(cwd, ref);
  }
  return next;
}

/**
 * The provenance of each weights reference in `config`; a ConfigError names the setting, the
 * reference and the problem (no such file or entry, an unreadable file, another backbone).
 */
export async function resolveRunWeights(config: TrainConfig, store: WeightsStore): Promise<RunWeights> {
  const weights: RunWeights = { ...NO_WEIGHTS };
  for (const key of WEIGHTS_SETTING_KEYS) {
    const ref = config[key];
    if (ref === null) continue;
    let provenance: WeightsProvenance;
    try {
      provenance = await weightsProvenance(ref, store);
    } catch (error) {
      throw new ConfigError(`${key} '${ref}': ${(error as Error).message.replace(/^weights '[^']*': /, '')}`);
    }
    const network = networkSetting(key);
    const wanted = config[network];
    if (provenance.backbone === null) {
      throw new ConfigError(`${key} '${ref}': the tensor names fit none of the engine's backbones, so it cannot load into the ${NETWORK[key]} (${network} ${wanted})`);
    }
    if (provenance.backbone !== wanted) {
      throw new ConfigError(`${key} '${ref}': holds a ${provenance.backbone}, but the ${NETWORK[key]} is a ${wanted} (set ${network} to ${provenance.backbone}, or choose ${wanted} weights)`);
    }
    weights[NETWORK[key]] = provenance;
  }
  return weights;
}

/**
 * On a resume that starts over from step 0 (no checkpoint), the weights are read again: they must
 * be the ones the run recorded, or the run would mix two starts.
 */
export async function checkSameWeights(config: TrainConfig, recorded: RunWeights, store: WeightsStore): Promise<void> {
  const now = await resolveRunWeights(config, store);
  for (const network of ['localizer', 'adversary'] as const) {
    const [was, is] = [recorded[network], now[network]];
    if (was && is && was.sha256 !== is.sha256) {
      throw new ConfigError(
        `the ${network} weights '${is.ref}' changed since the run began (SHA-256 ${is.sha256.slice(0, 12)}…, recorded ${was.sha256.slice(0, 12)}…); start a new run, or restore the weights it began from`,
      );
    }
  }
}
