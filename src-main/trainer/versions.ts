/** Versions recorded in every run's config.json. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { packageJsonPath } from '../platform/paths';

export function runVersions(): Record<string, string> {
  let app = 'unknown';
  try {
    app = (JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // keep "unknown"
  }
  return { app, node: process.versions.node, tfjs: tf.version.tfjs, platform: `${process.platform}-${process.arch}` };
}
