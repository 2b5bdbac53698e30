/** What `eader weights` prints: the store listing, a check's top-5, and a download progress bar. */
import type { WeightsDownloadProgress, WeightsEntry } from '@shared/domain/weights';
import type { StoreListing } from '../weights/store';
import type { CheckResult } from '../weights/check';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

function sourceText(entry: WeightsEntry): string {
  return entry.source.kind === 'download' ? `download ${entry.source.release}` : entry.source.path;
}

export function formatListing(root: string, listing: StoreListing): string {
  const lines = [`Weights store: ${root}`];
  if (listing.entries.length === 0) lines.push('  (empty: eader weights download resnet50, or eader weights import FILE)');
  const width = Math.max(4, ...listing.entries.map((e) => e.name.length));
  for (const e of listing.entries) {
    const head = e.headClasses === null ? 'no head' : `${e.headClasses}-way head`;
    lines.push(`  ${e.name.padEnd(width)}  ${e.backbone.padEnd(9)}  ${head.padEnd(13)}  sha256 ${e.sha256.slice(0, 12)}  ${(e.parameters / 1e6).toFixed(1)}M params  ${sourceText(e)}`);
  }
  for (const p of listing.problems) lines.push(`  ${p.name}: unreadable (${p.reason})`);
  return lines.join('\n');
}

export function formatEntry(entry: WeightsEntry): string {
  const ignored = entry.ignored.length ? `; ignored ${entry.ignored.length} (${entry.ignored.slice(0, 3).join(', ')}${entry.ignored.length > 3 ? ', …' : ''})` : '';
  return (
    `Stored ${entry.name}: ${entry.backbone}, ${entry.tensors} tensors, ${(entry.parameters / 1e6).toFixed(2)}M parameters, ` +
    `${entry.headClasses === null ? 'no classifier head' : `${entry.headClasses}-way head`}${ignored}\n` +
    `  source ${sourceText(entry)} (${entry.sourceFormat}), sha256 ${entry.sha256}`
  );
}

export function formatCheck(result: CheckResult): string {
  const lines = [`${result.file}: ${result.backbone}, eval mode, input ${result.input.width}×${result.input.height}`, 'Top-5:'];
  for (const [rank, p] of result.top5.entries()) {
    lines.push(`  ${rank + 1}. ${String(p.index).padStart(4)}  ${p.name.padEnd(28)}  logit ${p.logit.toFixed(4).padStart(9)}  p ${(p.probability * 100).toFixed(2)}%`);
  }
  return lines.join('\n');
}

/** `{"logits": [...], "top5": [...]}`: the machine-readable check (the logits at full float precision). */
export const checkJson = (result: CheckResult): string => JSON.stringify({ logits: result.logits, top5: result.top5.map((p) => p.index) });

/**
 * A progress line on stderr: redrawn in place on a terminal, every 10% otherwise (logs, CI).
 * Returns the callback and a `done` that ends the line.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: WeightsDownloadProgress) => void; done: () => void } {
  let lastDecile = -1;
  let drawn = false;
  const update = (p: WeightsDownloadProgress): void => {
    const fraction = p.total ? p.received / p.total : 0;
    const resumed = p.resumedFrom > 0 ? ` (resumed at ${mb(p.resumedFrom)})` : '';
    const amount = p.total ? `${mb(p.received)} / ${mb(p.total)}  ${Math.floor(fraction * 100)}%` : mb(p.received);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r${p.release}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]  ${amount}${resumed}   `);
      drawn = true;
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      stream.write(`${p.release}: ${amount}${resumed}\n`);
    }
  };
  return { update, done: () => void (drawn && stream.write('\n')) };
}
