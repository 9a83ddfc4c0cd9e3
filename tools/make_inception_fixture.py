#!/usr/bin/python3
"""Inception-v3 reference for tests/test_inception.c, written at test time into OUTDIR (the weights are
~95 MB: never committed):

    /usr/bin/python3 tools/make_inception_fixture.py OUTDIR [--seed 0]

  OUTDIR/inception.safetensors   torchvision's inception_v3(weights=None, aux_logits=False, init_weights=False:
                                 PyTorch's default uniform initialisation, seeded), its batch norms given random
                                 weight/bias and then running statistics from one training-mode pass over the
                                 small inputs below, each running variance floored at its mean over the channels
                                 (statistics of few samples have near-zero variances whose 1/std would amplify
                                 rounding differences through the 94 layers); saved as a state_dict and
                                 converted by tools/convert_inception.py
  OUTDIR/real/00.png, 01.png     64x64 grey PNGs
  OUTDIR/expect.safetensors      real_feat [2,2048]: the pool features of real/*.png through torchvision's
                                 preprocessing for its ImageNet weights (pixels p in [0,1] -> bilinear resize to
                                 299x299 (F.interpolate, align_corners=False, as pytorch-fid) -> grey replicated
                                 to 3 channels -> Normalize(ImageNet mean, std) -> the model with
                                 transform_input=True, which maps that back to 2p - 1);
                                 small [2,3,107,107] in [-1,1] and, given to the network directly, feat / logit
                                 (torchvision) and fid_feat / fid_logit (pytorch-fid's FID Inception: the same
                                 weights, the pooling of Mixed_5b-5d, 6b-6e, 7b, 7c patched as pytorch-fid does).
The network runs on inputs of any size >= 75; 107x107 keeps the variant checks cheap."""
import os, sys
import numpy as np
import torch, torch.nn.functional as F
import torchvision
from torchvision.models.inception import InceptionA, InceptionC, InceptionE
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_inception import convert, write_safetensors

MEAN, STD = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1), torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def patch_fid(model):
    """pytorch-fid's FID Inception: the pooling of Mixed_5b-5d, 6b-6e, 7b and 7c patched (fid_inception_v3)."""
    def a_fwd(self, x):
        pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False))
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch1x1(x), b5, b3, pool], 1)

    def c_fwd(self, x):
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = self.branch7x7dbl_1(x)
        bd = self.branch7x7dbl_5(self.branch7x7dbl_4(self.branch7x7dbl_3(self.branch7x7dbl_2(bd))))
        pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False))
        return torch.cat([self.branch1x1(x), b7, bd, pool], 1)

    def e_fwd(self, x, last):
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        pool = F.max_pool2d(x, 3, 1, 1) if last else F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
        return torch.cat([self.branch1x1(x), b3, bd, self.branch_pool(pool)], 1)

    for name in ['Mixed_5b', 'Mixed_5c', 'Mixed_5d']:
        m = getattr(model, name); assert isinstance(m, InceptionA); m.forward = a_fwd.__get__(m)
    for name in ['Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e']:
        m = getattr(model, name); assert isinstance(m, InceptionC); m.forward = c_fwd.__get__(m)
    for name, last in [('Mixed_7b', False), ('Mixed_7c', True)]:
        m = getattr(model, name); assert isinstance(m, InceptionE)
        m.forward = (lambda self, x, last=last: e_fwd(self, x, last)).__get__(m)
    return model


def build(seed, calibration):
    torch.manual_seed(seed)
    m = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False, transform_input=True)
    bns = [b for b in m.modules() if isinstance(b, torch.nn.BatchNorm2d)]
    m.train()
    with torch.no_grad():
        for b in bns:
            b.weight.uniform_(0.5, 1.5)
            b.bias.normal_(0.0, 0.2)
            b.reset_running_stats()
            b.momentum = None                    # cumulative average: the statistics of the pass below
        m(calibration)
        for b in bns:                            # few samples: keep a channel's 1/std from exploding
            b.running_var.clamp_(min=float(b.running_var.mean()))
    return m.eval()


def features(model, x):
    """x [N,3,H,W] -> (pool features [N,2048], logits [N,K])"""
    out = {}
    h = model.avgpool.register_forward_hook(lambda mod, i, o: out.__setitem__('f', torch.flatten(o, 1)))
    with torch.no_grad():
        logits = model(x)
    h.remove()
    return out['f'], logits


def main():
    out = sys.argv[1]
    seed = int(sys.argv[sys.argv.index('--seed') + 1]) if '--seed' in sys.argv else 0
    torch.set_num_threads(int(os.environ.get('FIXTURE_THREADS', '2')))
    os.makedirs(f'{out}/real', exist_ok=True)
    g = torch.Generator().manual_seed(seed + 1)
    imgs = torch.randint(0, 256, (2, 1, 64, 64), generator=g, dtype=torch.uint8)
    for i in range(2):
        Image.fromarray(imgs[i, 0].numpy(), mode='L').save(f'{out}/real/{i:02d}.png')
    p = F.interpolate(imgs.float() / 255, size=(299, 299), mode='bilinear', align_corners=False).repeat(1, 3, 1, 1)
    x = (p - MEAN) / STD                                     # torchvision's Normalize
    t = {'small': torch.rand(2, 3, 107, 107, generator=g) * 2 - 1}
    m = build(seed, ((t['small'] + 1) / 2 - MEAN) / STD)     # batch-norm statistics from the small inputs
    t['real_feat'], _ = features(m, x)
    torch.save(m.state_dict(), f'{out}/inception.pth')
    convert(f'{out}/inception.pth', f'{out}/inception.safetensors', 'torchvision')
    os.unlink(f'{out}/inception.pth')
    m.transform_input = False                                # the network alone, on inputs in [-1,1]
    t['feat'], t['logit'] = features(m, t['small'])
    t['fid_feat'], t['fid_logit'] = features(patch_fid(m), t['small'])
    write_safetensors(f'{out}/expect.safetensors', t, {'torchvision': torchvision.__version__, 'torch': torch.__version__})


if __name__ == '__main__':
    main()
