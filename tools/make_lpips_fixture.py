#!/usr/bin/python3
"""LPIPS-VGG reference for tests/test_lpips.c, written at test time into OUTDIR (VGG-16's weights are ~59 MB:
never committed):

    /usr/bin/python3 tools/make_lpips_fixture.py OUTDIR [--seed 0]

  OUTDIR/vgg.pth, lin.pth         torchvision's vgg16(weights=None) state_dict, its features.* (PyTorch's default
                                  initialisation, seeded) and LPIPS's five linear layers lin{l}.model.1.weight [1,C,1,1] (|N(0,1)|
                                  draws, as LPIPS's are >= 0), converted by tools/convert_lpips.py into
  OUTDIR/lpips.safetensors
  OUTDIR/expect.safetensors       x0, x1 [2,1,32,32] grey images in [-1,1]; feat0..feat4 the five feature maps of x0
                                  (relu1_2 .. relu5_3, after the scaling layer, grey replicated to RGB); dist [2]
                                  LPIPS(x0, x1) per image by the lpips package's formula (normalize_tensor with
                                  eps 1e-10, squared difference, 1x1 "lin" convolution, spatial mean, sum over
                                  the five maps); rgb0, rgb1 [1,3,32,32] and dist_rgb [1] the same on RGB inputs.
The lpips package itself is not in Debian; its forward pass (lpips/pretrained_networks.py vgg16 slices,
lpips/lpips.py LPIPS.forward with normalize=False) is written out below."""
import os, sys
import numpy as np
import torch, torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_inception import write_safetensors
from convert_lpips import convert, LIN_C

SHIFT = torch.tensor([-.030, -.088, -.188]).view(1, 3, 1, 1)
SCALE = torch.tensor([.458, .448, .450]).view(1, 3, 1, 1)
SLICES = [(0, 4), (4, 9), (9, 16), (16, 23), (23, 30)]      # lpips' vgg16 slices of torchvision's features


def feats(features, x):
    if x.shape[1] == 1:
        x = x.repeat(1, 3, 1, 1)
    h, out = (x - SHIFT) / SCALE, []
    for a, b in SLICES:
        for k in range(a, b):
            h = features[k](h)
        out.append(h)
    return out


def lpips(features, lins, x0, x1):
    d = 0
    for f0, f1, w in zip(feats(features, x0), feats(features, x1), lins):
        n0 = f0 / (torch.sqrt(torch.sum(f0 ** 2, dim=1, keepdim=True)) + 1e-10)
        n1 = f1 / (torch.sqrt(torch.sum(f1 ** 2, dim=1, keepdim=True)) + 1e-10)
        d = d + torch.nn.functional.conv2d((n0 - n1) ** 2, w).mean(dim=(2, 3))
    return d.view(-1)


def main():
    out = sys.argv[1]
    seed = int(sys.argv[sys.argv.index('--seed') + 1]) if '--seed' in sys.argv else 0
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(seed)
    vgg = torchvision.models.vgg16(weights=None)
    torch.save({k: v for k, v in vgg.state_dict().items() if k.startswith('features.')}, os.path.join(out, 'vgg.pth'))
    lins = [torch.randn(1, c, 1, 1).abs() for c in LIN_C]
    torch.save({f'lin{l}.model.1.weight': w for l, w in enumerate(lins)}, os.path.join(out, 'lin.pth'))
    convert([os.path.join(out, 'vgg.pth'), os.path.join(out, 'lin.pth')], os.path.join(out, 'lpips.safetensors'))
    f = vgg.features.eval()
    x0 = torch.rand(2, 1, 32, 32) * 2 - 1
    x1 = (x0 + 0.3 * torch.randn(2, 1, 32, 32)).clamp(-1, 1)
    rgb0 = torch.rand(1, 3, 32, 32) * 2 - 1
    rgb1 = (rgb0 + 0.3 * torch.randn(1, 3, 32, 32)).clamp(-1, 1)
    with torch.no_grad():
        t = {'x0': x0, 'x1': x1, 'dist': lpips(f, lins, x0, x1), 'rgb0': rgb0, 'rgb1': rgb1,
             'dist_rgb': lpips(f, lins, rgb0, rgb1)}
        for l, h in enumerate(feats(f, x0)):
            t[f'feat{l}'] = h
    write_safetensors(os.path.join(out, 'expect.safetensors'), t, {'seed': seed})
    print('wrote', out, {k: list(v.shape) for k, v in t.items()})


if __name__ == '__main__':
    main()
