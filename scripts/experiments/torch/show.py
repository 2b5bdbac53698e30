"""Print a results .jsonl as an aligned table: python3 show.py FILE [FILE...]"""
import json, sys
cols = ['tag', 'epochs', 'train_bce', 'val_bce', 'prior', 'miou30', 'miou_best', 'best_thr', 'par_raw_best', 'par_raw_thr', 'par_softmax_best', 'cpu_train', 'wall_train', 'load']
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
w = {c: max(len(c), *(len(str(r.get(c, ''))) for r in rows)) for c in cols} if rows else {}
print('  '.join(c.ljust(w[c]) for c in cols))
for r in rows:
    print('  '.join(str(r.get(c, '')).ljust(w[c]) for c in cols))
