/** How the run history and the run detail describe a run of either kind (localizer or segmenter). */
import type { RunSummary } from '@shared/domain/training-view';
import { num } from './format';

/** One line of the settings that tell runs apart. */
export function settingsLine(r: RunSummary): string {
  const c = r.config;
  if (r.kind === 'segmenter') {
    const round = r.labels.round !== null ? `round ${r.labels.round} · ` : '';
    return `${round}segmenter ${c.backbone} OS${c.backbone === 'tiny' ? 8 : r.config.outputStride} · ${c.imageSize} px · ${r.labels.trusted.images} trusted + ${r.labels.pseudo.images} pseudo`;
  }
  return `${r.config.backbone}/${r.config.adversary} · ${c.imageSize} px · α ${r.config.alpha} · β ${r.config.beta}`;
}

/** The three loss cells of the history: the localizer's BCE, α term, adversary BCE; a segmenter's CE, trusted CE, pseudo CE. */
export function lossCells(r: RunSummary): { label: string; value: string }[] {
  const f = r.finalLosses;
  if (r.kind === 'segmenter' && 'ce' in f) {
    return [
      { label: 'CE', value: num(f.ce, 3) },
      { label: 'trusted CE', value: num(f.ceTrusted, 3) },
      { label: 'pseudo CE', value: num(f.cePseudo, 3) },
    ];
  }
  if ('locBce' in f) {
    return [
      { label: 'loc BCE', value: num(f.locBce, 3) },
      { label: 'α term', value: num(f.alphaTerm, 3) },
      { label: 'adv BCE', value: num(f.advBce, 3) },
    ];
  }
  return [];
}

/** The detail panel's "final:" line. */
export function finalLine(r: RunSummary): string {
  const f = r.finalLosses;
  if ('ce' in f) return `final: CE ${num(f.ce, 3)} · trusted CE ${num(f.ceTrusted, 3)} · pseudo CE ${num(f.cePseudo, 3)}`;
  return `final: loc BCE ${num(f.locBce, 3)} · α term ${num(f.alphaTerm, 3)} · β term ${num(f.betaTerm)} · adversary BCE ${num(f.advBce, 3)}`;
}

/** A run's settings by name, for the compare table. */
export const settingsOf = (r: RunSummary | undefined): Record<string, unknown> => (r ? (r.config as Record<string, unknown>) : {});
