#!/usr/bin/python3
"""Converts Inception-v3 weights from PyTorch to the safetensors file morphogan loads
(src/models/inception_v3.h; `morphogan metrics --features inception --net FILE`).

    /usr/bin/python3 tools/convert_inception.py IN.pth OUT.safetensors [--variant auto|torchvision|fid]
                                                [--trust-pickle]

IN.pth is one of
  - torchvision's ImageNet weights, inception_v3_google-0cc3c7bd.pth (a state_dict; torchvision downloads it
    to ~/.cache/torch/hub/checkpoints/ on a machine with internet access):       variant torchvision
  - pytorch-fid's FID Inception weights, pt_inception-2015-12-05-6726825d.pth (a state_dict of the same
    layer names, 1008 classes; github.com/mseitzer/pytorch-fid releases):      variant fid
  - any other state_dict of torchvision's Inception3 (also under a "state_dict" key, or with DataParallel's
    "module." prefixes), or a whole pickled model (torch.save(model)) with --trust-pickle.
--variant auto (default) picks fid when the classifier has 1008 outputs, else torchvision.  The variants
differ in three pooling layers (see src/models/inception_v3.h).

Written: every floating-point tensor of the state_dict except the auxiliary classifier (AuxLogits.*) and
the batch-norm counters (num_batches_tracked), as float32 under torchvision's names, and the metadata
{"model": "inception_v3", "variant": ..., "source": IN's file name}; atomically (a temporary file renamed).
Batch norm is folded into the convolutions by morphogan when it loads the file.  Needs only torch (and
numpy); no safetensors package."""
import argparse, json, os, struct, sys, tempfile
import numpy as np
import torch

REQUIRED = ['Conv2d_1a_3x3.conv.weight', 'Mixed_7c.branch_pool.bn.running_var', 'fc.weight', 'fc.bias']


def load_state_dict(path, trust_pickle=False):
    try:
        obj = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:                       # a pickled nn.Module, or not a torch file at all
        if not trust_pickle:
            raise SystemExit(f'{path}: cannot be read as a state_dict ({str(e).splitlines()[0][:160]}); '
                             'if it is a whole pickled model you trust, add --trust-pickle')
        obj = torch.load(path, map_location='cpu')
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if isinstance(obj, dict) and isinstance(obj.get('state_dict'), dict):
        obj = obj['state_dict']
    if not isinstance(obj, dict):
        raise SystemExit(f'{path}: holds a {type(obj).__name__}, not a state_dict or a model')
    sd = {}
    for k, v in obj.items():
        k = k[7:] if k.startswith('module.') else k
        if not torch.is_tensor(v) or not v.is_floating_point():
            continue
        if k.startswith('AuxLogits.') or k.endswith('num_batches_tracked'):
            continue
        sd[k] = v
    missing = [k for k in REQUIRED if k not in sd]
    if missing:
        raise SystemExit(f'{path}: not an Inception-v3 state_dict (no {", ".join(missing)})')
    return sd


def write_safetensors(path, tensors, meta):
    """tensors: name -> torch tensor, written as little-endian F32; atomic."""
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().to(torch.float32).numpy(), dtype='<f4')
        b = a.tobytes(order='C')
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header['__metadata__'] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + '.', suffix='.tmp', dir=os.path.dirname(path) or '.')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(struct.pack('<Q', len(h)))
            f.write(h)
            for b in blobs:
                f.write(b)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def convert(src, dst, variant='auto', trust_pickle=False):
    sd = load_state_dict(src, trust_pickle)
    if variant == 'auto':
        variant = 'fid' if sd['fc.weight'].shape[0] == 1008 else 'torchvision'
    write_safetensors(dst, sd, {'model': 'inception_v3', 'variant': variant, 'source': os.path.basename(src)})
    return variant, len(sd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('src')
    ap.add_argument('dst')
    ap.add_argument('--variant', choices=['auto', 'torchvision', 'fid'], default='auto')
    ap.add_argument('--trust-pickle', action='store_true', help='allow loading a whole pickled model (runs its code)')
    a = ap.parse_args()
    variant, n = convert(a.src, a.dst, a.variant, a.trust_pickle)
    print(f'{a.dst}: {n} tensors, variant {variant}, {os.path.getsize(a.dst)} bytes')


if __name__ == '__main__':
    main()
