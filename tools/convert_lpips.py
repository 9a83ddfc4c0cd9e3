#!/usr/bin/python3
"""Converts LPIPS-VGG weights (Zhang et al. 2018, the `lpips` package, net='vgg', version 0.1) from PyTorch to
the safetensors file morphogan loads (src/models/lpips_vgg.h; `morphogan project --lpips FILE`).

    /usr/bin/python3 tools/convert_lpips.py VGG.pth LIN.pth OUT.safetensors
    /usr/bin/python3 tools/convert_lpips.py FULL.pth OUT.safetensors

VGG.pth: torchvision's ImageNet VGG-16, vgg16-397923af.pth (a state_dict with features.K.weight/bias; torchvision
downloads it to ~/.cache/torch/hub/checkpoints/ on a machine with internet access).  LIN.pth: the lpips package's
lpips/weights/v0.1/vgg.pth (lin0.model.1.weight ... lin4.model.1.weight, [1,C,1,1]).  FULL.pth: instead of the two,
the state_dict of a whole lpips.LPIPS(net='vgg') model (net.sliceS.K.* and lin*.model.1.weight).

Written: the 13 convolutions as features.K.weight / features.K.bias (K = torchvision's indices 0, 2, 5, 7, 10, 12,
14, 17, 19, 21, 24, 26, 28), the five linear layers as lin0.weight ... lin4.weight, flattened to [C] (64, 128, 256,
512, 512), float32, metadata {"model": "lpips_vgg"}; atomically.  Needs only torch and numpy."""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_inception import write_safetensors

CONVS = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
LIN_C = [64, 128, 256, 512, 512]


def load(path):
    try:
        obj = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:
        raise SystemExit(f'{path}: cannot be read as a state_dict ({str(e).splitlines()[0][:160]})')
    if isinstance(obj, dict) and isinstance(obj.get('state_dict'), dict):
        obj = obj['state_dict']
    if not isinstance(obj, dict):
        raise SystemExit(f'{path}: holds a {type(obj).__name__}, not a state_dict')
    return {(k[7:] if k.startswith('module.') else k): v for k, v in obj.items() if torch.is_tensor(v)}


def convert(paths, dst):
    sd = {}
    for p in paths:
        sd.update(load(p))
    out = {}
    for k in CONVS:                       # lpips keeps torchvision's indices inside its slices
        for part in ('weight', 'bias'):
            names = [f'features.{k}.{part}'] + [f'net.slice{s}.{k}.{part}' for s in range(1, 6)]
            hit = [n for n in names if n in sd]
            if not hit:
                raise SystemExit(f'{", ".join(paths)}: no VGG-16 tensor features.{k}.{part} (nor net.sliceS.{k}.{part})')
            out[f'features.{k}.{part}'] = sd[hit[0]]
    for l, c in enumerate(LIN_C):
        n = f'lin{l}.model.1.weight'
        if n not in sd:
            raise SystemExit(f'{", ".join(paths)}: no LPIPS linear layer {n}')
        if sd[n].numel() != c:
            raise SystemExit(f'{n} has {sd[n].numel()} values, LPIPS-VGG needs {c}')
        out[f'lin{l}.weight'] = sd[n].reshape(c)
    write_safetensors(dst, out, {'model': 'lpips_vgg', 'source': ','.join(os.path.basename(p) for p in paths)})
    return len(out)


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] in ('-h', '--help'):
        print(__doc__)
        raise SystemExit(0 if len(sys.argv) > 1 and sys.argv[1] in ('-h', '--help') else 2)
    n = convert(sys.argv[1:-1], sys.argv[-1])
    print(f'wrote {sys.argv[-1]}: {n} tensors')


if __name__ == '__main__':
    main()
