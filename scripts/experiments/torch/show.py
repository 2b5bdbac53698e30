"""Print results .jsonl files as a table (aligned text, or --md for markdown):
  python3 show.py [--md] [--cols a,b,c] FILE [FILE...]"""
import json, sys

args = sys.argv[1:]
md = '--md' in args
cols = ['tag', 'epochs', 'train_bce', 'val_bce', 'prior', 'miou30', 'miou_best', 'best_thr', 'par_raw_best', 'par_raw_thr', 'par_softmax_best', 'cpu_train', 'wall_train', 'load']
if '--cols' in args:
    cols = args[args.index('--cols') + 1].split(',')
files = [a for i, a in enumerate(args) if not a.startswith('--') and (i == 0 or args[i - 1] != '--cols')]
rows = [json.loads(l) for f in files for l in open(f) if l.strip()]
cell = lambda r, c: str(r.get(c, ''))
if md:
    print('| ' + ' | '.join(cols) + ' |')
    print('|' + '---|' * len(cols))
    for r in rows:
        print('| ' + ' | '.join(cell(r, c) for c in cols) + ' |')
else:
    w = {c: max([len(c)] + [len(cell(r, c)) for r in rows]) for c in cols}
    print('  '.join(c.ljust(w[c]) for c in cols))
    for r in rows:
        print('  '.join(cell(r, c).ljust(w[c]) for c in cols))
