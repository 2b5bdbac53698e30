"""Score a localizer saved by recipe.py --save under several inference settings (scales, flip),
with and without PAR, over the threshold sweep:
  /usr/bin/python3 scripts/experiments/torch/evaluate.py --model /tmp/m.pt --data /tmp/heldout [--out F.jsonl]"""
import argparse, json, os, sys, time
import torch

sys.path.insert(0, os.path.dirname(__file__))
from camtools import cam_miou_sweep, par_miou_sweep, val_cams  # noqa: E402
from nets import Localizer  # noqa: E402
from recipe import normalise  # noqa: E402
from vocdata import VocSplit  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--settings', default='1;1,f;1,0.75,1.25,f')
    ap.add_argument('--val-limit', type=int, default=None)
    ap.add_argument('--no-par', action='store_true')
    ap.add_argument('--out', default=None)
    ap.add_argument('--tag', default='')
    args = ap.parse_args()
    torch.set_num_threads(1)
    saved = torch.load(args.model)
    val = VocSplit(args.data, 'val', args.val_limit)
    model = Localizer(saved['args']['arch'], saved['args']['norm'], val.K)
    model.load_state_dict(saved['state'])
    for setting in args.settings.split(';'):
        parts = setting.split(',')
        flip = 'f' in parts
        scales = [float(p) for p in parts if p != 'f']
        c0 = time.process_time()
        cams = val_cams(model, val, scales, normalise, flip)
        cam_ms = 1000 * (time.process_time() - c0) / len(val)
        sweep = cam_miou_sweep(cams, val)
        bt = max(sweep, key=lambda t: sweep[t])
        row = dict(tag=args.tag, model=args.model, data=os.path.basename(args.data.rstrip('/')), scales=scales, flip=flip,
                   cam30=round(sweep[0.3], 4), cam_best=round(sweep[bt], 4), cam_thr=bt, cam_ms=round(cam_ms, 1))
        if not args.no_par:
            c0 = time.process_time()
            ps = par_miou_sweep(cams, val)
            pt = max(ps, key=lambda t: ps[t])
            row.update(par30=round(ps[0.3], 4), par_best=round(ps[pt], 4), par_thr=pt, par_sweep={str(k): round(v, 4) for k, v in ps.items()})
        row['cam_sweep'] = {str(k): round(v, 4) for k, v in sweep.items()}
        print(json.dumps(row), flush=True)
        if args.out:
            with open(args.out, 'a') as fh:
                fh.write(json.dumps(row) + '\n')


if __name__ == '__main__':
    main()
