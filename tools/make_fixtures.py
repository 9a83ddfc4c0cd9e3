#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that tests/test_parity_torch.c compares against.

Run from the repository root with Debian's torch:   /usr/bin/python3 tools/make_fixtures.py
Everything is seeded; the files are small safetensors files written by hand (no safetensors
package): u64 little-endian header length | JSON header | raw little-endian float32 data.

fixtures/dcgan_bce.safetensors      one full BCE training step of the course DCGAN (BN in D)
fixtures/dcgan_wgangp.safetensors   one full WGAN-GP training step (critic without BN), the
                                    penalty alone and its parameter gradients (grad of a grad)
fixtures/dcgan_train5.safetensors   five BCE training steps on a fixed batch; Adam alone for five
                                    steps on the G parameters with given gradients
fixtures/dcgan_full.safetensors     the full-width course DCGAN (z=64, width 64) with weights from
                                    a closed formula (so they need not be stored): outputs, losses,
                                    every 97th element of every parameter gradient
fixtures/ops.safetensors            single ops: conv2d / conv_transpose2d (stride, padding,
                                    output_padding, groups), batch norm train/eval, bilinear and
                                    nearest upsampling, avg pool, BCE with logits

The training fixtures use the course architecture with reduced widths (z=16, G width 8, D width 8)
to keep every file well under 1 MB: same layers, kernels, strides and 28x28 geometry; the channel
counts are parameters of the C model (DcganConfig).  Tensor names: "G.<state_dict name>" for the
generator's parameters, "D.<...>" for the discriminator's, as in the peer's nn.Sequential."""
import json, math, os, struct, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
OUT = sys.argv[1] if len(sys.argv) > 1 else 'fixtures'
LR, BETAS, LAMBDA = 2e-4, (0.5, 0.999), 10.0


def save(path, tensors, meta=None):
    """tensors: ordered dict name -> torch tensor or float; written as F32."""
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        a = np.asarray(torch.as_tensor(t).detach().to(torch.float32).numpy(), dtype='<f4')   # 0-d stays 0-d
        b = a.tobytes(order='C')
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if meta:
        header['__metadata__'] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print(f'{path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes')


# ---- the course DCGAN, exactly as ../shared/bench/torch_dcgan.py, widths as parameters ----
def gblock(i, o, k=3, s=2, final=False):
    if final: return nn.Sequential(nn.ConvTranspose2d(i, o, k, s), nn.Tanh())
    return nn.Sequential(nn.ConvTranspose2d(i, o, k, s), nn.BatchNorm2d(o), nn.ReLU(True))


def dblock(i, o, k=4, s=2, final=False, bn=True):
    if final: return nn.Sequential(nn.Conv2d(i, o, k, s))
    layers = [nn.Conv2d(i, o, k, s)]
    if bn: layers.append(nn.BatchNorm2d(o))
    layers.append(nn.LeakyReLU(0.2, True))
    return nn.Sequential(*layers)


def make_g(z, h):
    return nn.Sequential(gblock(z, h * 4), gblock(h * 4, h * 2, 4, 1), gblock(h * 2, h), gblock(h, 1, 4, final=True))


def make_d(d, bn):
    return nn.Sequential(dblock(1, d, bn=bn), dblock(d, 2 * d, bn=bn), dblock(2 * d, 1, final=True))


def params(prefix, m):
    return {f'{prefix}.{n}': p.detach().clone() for n, p in m.named_parameters()}


def buffers(prefix, m):
    return {f'{prefix}.{n}': b.detach().clone() for n, b in m.named_buffers() if 'num_batches' not in n}


def grads(prefix, m):
    return {f'{prefix}.{n}': p.grad.detach().clone() for n, p in m.named_parameters()}


crit = nn.BCEWithLogitsLoss()


def d_loss_bce(D, fake, real):
    B = real.shape[0]
    pf, pr = D(fake.detach()).view(B, -1), D(real).view(B, -1)
    return (crit(pf, torch.zeros_like(pf)) + crit(pr, torch.ones_like(pr))) / 2, pf, pr


def gradient_penalty(D, real, fake, eps, create_graph=True):
    B = real.shape[0]
    mix = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
    g, = torch.autograd.grad(D(mix).sum(), mix, create_graph=create_graph)
    return ((g.view(B, -1).norm(2, dim=1) - 1) ** 2).mean()


def train_step(G, D, og, od, loss, real, z, eps, rec=None):
    """The peer's step; rec (a dict) receives every intermediate the C test compares."""
    B = real.shape[0]
    fake = G(z)
    od.zero_grad()
    if loss == 'bce':
        ld, pf, pr = d_loss_bce(D, fake, real)
    else:
        gp = gradient_penalty(D, real, fake, eps)
        pf, pr = D(fake.detach()), D(real)
        ld = pf.mean() - pr.mean() + LAMBDA * gp
    ld.backward()
    if rec is not None:
        rec['fake'] = fake.detach().clone()
        rec['d_fake'] = pf.detach().clone().view(B, 1, 1, 1)
        rec['d_real'] = pr.detach().clone().view(B, 1, 1, 1)
        rec['loss_d'] = ld.detach().clone()
        if loss != 'bce': rec['gp'] = gp.detach().clone()
        rec.update(grads('grad_d.D', D))
    od.step()
    og.zero_grad()
    pf = D(fake).view(B, -1)
    lg = crit(pf, torch.ones_like(pf)) if loss == 'bce' else -pf.mean()
    lg.backward()
    og.step()
    if rec is not None:
        rec['d_fake_g'] = pf.detach().clone().view(B, 1, 1, 1)
        rec['loss_g'] = lg.detach().clone()
        rec.update(grads('grad_g.G', G))
        rec.update(params('after.G', G)); rec.update(params('after.D', D))
        rec.update(buffers('after.G', G)); rec.update(buffers('after.D', D))
    return ld.item(), lg.item()


def adams(G, D):
    return (torch.optim.Adam(G.parameters(), LR, betas=BETAS), torch.optim.Adam(D.parameters(), LR, betas=BETAS))


SMALL = dict(z=16, g=8, d=8)


def models(seed, bn_d, z=SMALL['z'], g=SMALL['g'], d=SMALL['d']):
    torch.manual_seed(seed)
    return make_g(z, g), make_d(d, bn_d)


def batch(seed, B, z):
    gen = torch.Generator().manual_seed(seed)
    real = torch.rand(B, 1, 28, 28, generator=gen) * 2 - 1
    zz = torch.randn(B, z, 1, 1, generator=gen)
    eps = torch.rand(B, 1, 1, 1, generator=gen)
    return real, zz, eps


def meta(loss, B, z, g, d, bn_d, **kw):
    m = dict(loss=loss, batch=B, z_dim=z, g_width=g, d_width=d, d_bn=int(bn_d), lr=LR, beta1=BETAS[0],
             beta2=BETAS[1], torch=torch.__version__)
    m.update(kw)
    return m


def fixture_step(loss, path, seed):
    bn_d = loss == 'bce'
    G, D = models(seed, bn_d)
    B = 8
    real, z, eps = batch(seed + 1, B, SMALL['z'])
    out = {'z': z, 'real': real, 'eps': eps}
    out.update(params('G', G)); out.update(params('D', D))
    if loss != 'bce':
        # the penalty alone, and d gp / d critic parameters: a gradient of a gradient
        fake = G(z).detach()
        gp = gradient_penalty(D, real, fake, eps)
        gg = torch.autograd.grad(gp, list(D.parameters()), allow_unused=True)   # last bias: unused
        gg = [torch.zeros_like(p) if t is None else t for p, t in zip(D.parameters(), gg)]
        out['gp_only.fake'] = fake
        out['gp_only.gp'] = gp.detach()
        for (n, _), t in zip(D.named_parameters(), gg):
            out[f'gp_only.grad.D.{n}'] = t
        torch.manual_seed(seed)        # restore G's BN running stats to their initial values
        G, _ = models(seed, bn_d)
    og, od = adams(G, D)
    rec = {}
    train_step(G, D, og, od, loss, real, z, eps, rec)
    out.update(rec)
    save(path, out, meta(loss, B, SMALL['z'], SMALL['g'], SMALL['d'], bn_d))


def fixture_train5(path, seed):
    G, D = models(seed, True)
    B = 6
    real, z, eps = batch(seed + 1, B, SMALL['z'])
    out = {'z': z, 'real': real}
    out.update(params('G', G)); out.update(params('D', D))
    og, od = adams(G, D)
    losses = []
    for _ in range(5):
        losses += train_step(G, D, og, od, 'bce', real, z, eps)
    out['losses'] = torch.tensor(losses)          # ld0, lg0, ld1, lg1, ...
    out.update(params('after.G', G)); out.update(params('after.D', D))
    out.update(buffers('after.G', G)); out.update(buffers('after.D', D))
    # Adam alone: five steps on G's parameters with given gradients
    torch.manual_seed(seed + 7)
    G2, _ = models(seed + 7, True)
    out.update(params('adam.start.G', G2))
    opt = torch.optim.Adam(G2.parameters(), LR, betas=BETAS)
    gen = torch.Generator().manual_seed(seed + 8)
    for s in range(5):
        for n, p in G2.named_parameters():
            p.grad = torch.randn(p.shape, generator=gen) * 10 ** (s - 3)   # scales 1e-3 .. 10
            out[f'adam.grad{s}.G.{n}'] = p.grad.clone()
        opt.step()
    out.update(params('adam.end.G', G2))
    save(path, out, meta('bce', B, SMALL['z'], SMALL['g'], SMALL['d'], True, steps=5))


def formula_fill(m, salt):
    """Deterministic weights reproducible in C: p[i] = bound * sin(0.37 i + 1.3 k + salt), k = the
    parameter's index in named_parameters(); bound 1/sqrt(fan_in) for conv weights and biases,
    BN gamma = 1 + 0.1 sin(...), beta = 0.1 sin(...).  Computed in float64, rounded to float32."""
    with torch.no_grad():
        for k, (n, p) in enumerate(m.named_parameters()):
            i = np.arange(p.numel(), dtype=np.float64)
            s = np.sin(0.37 * i + 1.3 * k + salt)
            mod = m.get_submodule(n.rsplit('.', 1)[0])
            if isinstance(mod, nn.BatchNorm2d):
                v = (1.0 + 0.1 * s) if n.endswith('weight') else 0.1 * s
            else:
                w = mod.weight
                fan_in = w.shape[1] * w.shape[2] * w.shape[3] if isinstance(mod, nn.Conv2d) else w.shape[0] * w.shape[2] * w.shape[3]
                v = s / math.sqrt(fan_in)
            p.copy_(torch.from_numpy(v.astype(np.float32)).view(p.shape))


def fixture_full(path, seed):
    """The course DCGAN at its real widths, forward and backward of both losses (no optimizer)."""
    G, D = make_g(64, 64), make_d(16, True)
    formula_fill(G, 0.0); formula_fill(D, 0.5)
    B = 4
    real, z, eps = batch(seed, B, 64)
    fake = G(z)
    ld, pf, pr = d_loss_bce(D, fake, real)
    ld.backward()
    out = {'z': z, 'real': real, 'fake': fake.detach(), 'd_fake': pf.detach().view(B, 1, 1, 1),
           'd_real': pr.detach().view(B, 1, 1, 1), 'loss_d': ld.detach()}
    for n, p in D.named_parameters():
        out[f'grad_d_sub.D.{n}'] = p.grad.flatten()[::97].clone()
    G.zero_grad(); D.zero_grad()
    pf = D(fake).view(B, -1)
    lg = crit(pf, torch.ones_like(pf))
    lg.backward()
    out['loss_g'] = lg.detach()
    for n, p in G.named_parameters():
        out[f'grad_g_sub.G.{n}'] = p.grad.flatten()[::97].clone()
    # WGAN-GP penalty of a critic without BN at full width
    Dc = make_d(16, False)
    formula_fill(Dc, 0.25)
    gp = gradient_penalty(Dc, real, fake.detach(), eps)
    out['eps'] = eps
    out['gp'] = gp.detach()
    gg = torch.autograd.grad(gp, list(Dc.parameters()), allow_unused=True)
    for (n, p), t in zip(Dc.named_parameters(), gg):
        out[f'gp_grad_sub.D.{n}'] = (torch.zeros_like(p) if t is None else t).flatten()[::97].clone()
    save(path, out, meta('bce', B, 64, 64, 16, True, formula='p[i] = b sin(0.37 i + 1.3 k + salt)',
                         salt_g=0.0, salt_d=0.5, salt_critic=0.25, subsample=97))


def fixture_ops(path, seed):
    gen = torch.Generator().manual_seed(seed)
    R = lambda *s: torch.randn(tuple(s), generator=gen)
    out = {}

    def record(name, fn, inputs):
        ins = [t.clone().requires_grad_(True) for t in inputs]
        y = fn(*ins)
        gy = R(*y.shape)
        gs = torch.autograd.grad(y, ins, gy)
        for i, t in enumerate(ins): out[f'{name}.in{i}'] = t.detach()
        out[f'{name}.out'] = y.detach()
        out[f'{name}.gout'] = gy
        for i, g in enumerate(gs): out[f'{name}.grad{i}'] = g

    # conv2d: (k, stride, pad, groups, Ci, Co, H)
    for j, (k, s, p, gr, ci, co, h) in enumerate([(3, 1, 1, 1, 3, 5, 7), (4, 2, 1, 1, 2, 3, 9), (3, 2, 0, 2, 4, 6, 8),
                                                   (1, 1, 0, 1, 3, 2, 5), (5, 3, 2, 3, 6, 3, 11)]):
        record(f'conv2d.{j}', lambda x, w, b, s=s, p=p, gr=gr: F.conv2d(x, w, b, s, p, 1, gr),
               [R(2, ci, h, h), R(co, ci // gr, k, k) * 0.3, R(co)])
        out[f'conv2d.{j}.geom'] = torch.tensor([k, s, p, 0, gr], dtype=torch.float32)
    # conv_transpose2d: (k, stride, pad, out_pad, groups, Ci, Co, H)
    for j, (k, s, p, op, gr, ci, co, h) in enumerate([(3, 2, 0, 0, 1, 4, 3, 1), (4, 1, 0, 0, 1, 3, 2, 3),
                                                       (3, 2, 1, 1, 1, 2, 3, 5), (4, 2, 1, 0, 2, 4, 6, 4),
                                                       (5, 3, 2, 2, 1, 3, 2, 4)]):
        record(f'convt2d.{j}', lambda x, w, b, s=s, p=p, op=op, gr=gr: F.conv_transpose2d(x, w, b, s, p, op, gr),
               [R(2, ci, h, h), R(ci, co // gr, k, k) * 0.3, R(co)])
        out[f'convt2d.{j}.geom'] = torch.tensor([k, s, p, op, gr], dtype=torch.float32)
    # batch norm, training mode (batch statistics, running stats updated) and eval mode
    x = R(4, 3, 5, 5) * 2 + 1
    rm, rv = R(3) * 0.1, torch.rand(3, generator=gen) + 0.5
    out['bn_train.running_mean0'], out['bn_train.running_var0'] = rm.clone(), rv.clone()
    rm_t, rv_t = rm.clone(), rv.clone()
    record('bn_train', lambda x, g, b: F.batch_norm(x, rm_t, rv_t, g, b, True, 0.1, 1e-5), [x, R(3), R(3)])
    out['bn_train.running_mean1'], out['bn_train.running_var1'] = rm_t, rv_t
    record('bn_eval', lambda x, g, b: F.batch_norm(x, rm, rv, g, b, False, 0.1, 1e-5), [x, R(3), R(3)])
    record('bn_train_2d', lambda x, g, b: F.batch_norm(x, None, None, g, b, True, 0.1, 1e-5), [R(6, 4), R(4), R(4)])
    # resampling
    record('up_bilinear2', lambda x: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False), [R(2, 2, 4, 5)])
    record('up_bilinear3', lambda x: F.interpolate(x, scale_factor=3, mode='bilinear', align_corners=False), [R(1, 2, 3, 3)])
    record('up_nearest2', lambda x: F.interpolate(x, scale_factor=2, mode='nearest'), [R(2, 2, 3, 4)])
    record('avg_pool.k3s2p1', lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=True), [R(2, 2, 7, 7)])
    # BCE with logits (mean); targets 0/1 and soft
    record('bce', lambda l, t: F.binary_cross_entropy_with_logits(l, t), [R(5, 3) * 3, torch.rand(5, 3, generator=gen)])
    save(path, out, dict(torch=torch.__version__))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    fixture_step('bce', f'{OUT}/dcgan_bce.safetensors', 10)
    fixture_step('wgan-gp', f'{OUT}/dcgan_wgangp.safetensors', 20)
    fixture_train5(f'{OUT}/dcgan_train5.safetensors', 30)
    fixture_full(f'{OUT}/dcgan_full.safetensors', 40)
    fixture_ops(f'{OUT}/ops.safetensors', 50)
