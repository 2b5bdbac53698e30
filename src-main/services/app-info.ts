import { readFileSync } from 'node:fs';
import type { AppInfo } from '@shared/domain/app-info';
import { probeBackends } from './backend-probe';
import { packageJsonPath } from '../platform/paths';

interface PackageJson {
  productName?: string;
  name: string;
  version: string;
}

let cached: PackageJson | null = null;
function readPackage(): PackageJson {
  cached ??= JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as PackageJson;
  return cached;
}

export async function appInfo(transport: AppInfo['transport'], project: string | null): Promise<AppInfo> {
  const pkg = readPackage();
  return {
    name: pkg.productName ?? pkg.name,
    version: pkg.version,
    transport,
    platform: `${process.platform}-${process.arch}`,
    node: process.versions.node,
    backend: await probeBackends(),
    project,
  };
}
