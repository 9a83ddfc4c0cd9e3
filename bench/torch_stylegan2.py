#!/usr/bin/python3
"""The StyleGAN2-style networks of src/models/stylegan2.h and the training step of
src/train/sg2_step.h, written faithfully in PyTorch: the peer of `bench_stylegan2` and the source
of tests/test_stylegan2.c's fixtures (tools/make_sg2_fixtures.py imports this file).

The modulated convolution is written as in the reference implementation's fused form (weights
modulated per sample, one grouped convolution), an independent formulation of the C code's
input-modulation form.  Parameter names are the C names ("syn.b8.conv0.weight", ...).

Bench:  /usr/bin/python3 bench/torch_stylegan2.py --threads 2 --batch 32 --steps 16 --resolution 64
prints a line and "RESULT impl=torch steps_per_s=X peak_rss_mb=Y" (steps after --warmup are timed;
--steps 16 spans one R1 interval and four path-length intervals, as the C bench)."""
import argparse, math, sys, time
import numpy as np, torch, torch.nn.functional as F

SQRT2 = math.sqrt(2.0)


def channels(spec, res):
    return min(spec['ch_base'] // res, spec['ch_max'])


def build(spec, gen=None):
    """name -> tensor (requires_grad), with the C initialisation's distributions (not its draws)."""
    P, B = {}, {}
    g = gen or torch.Generator().manual_seed(0)
    def randn(*s, std=1.0): return (torch.randn(*s, generator=g) * std)
    R, C, Z, W = spec['resolution'], spec['channels'], spec['z_dim'], spec['w_dim']
    K = spec.get('c_dim', 0)
    for i in range(spec['map_layers']):
        P[f'map.fc{i}.weight'] = randn(W, W if i else Z + (W if K else 0), std=100.0)
        P[f'map.fc{i}.bias'] = torch.zeros(W)
    c4 = channels(spec, 4)
    if K:                                       # conditional: label embedding (G) and projection (D)
        P['map.embed.weight'] = randn(W, K); P['map.embed.bias'] = torch.zeros(W)
        P['D.map.embed.weight'] = randn(c4, K); P['D.map.embed.bias'] = torch.zeros(c4)
        for i in range(spec['map_layers']):
            P[f'D.map.fc{i}.weight'] = randn(c4, c4, std=100.0); P[f'D.map.fc{i}.bias'] = torch.zeros(c4)
    P['syn.const'] = randn(c4, 4, 4)
    res = 4
    while res <= R:
        co = channels(spec, res); ci = channels(spec, res // 2) if res > 4 else c4
        layers = ([('conv0', ci, co, 3)] if res > 4 else []) + [('conv1', co, co, 3), ('torgb', co, C, 1)]
        for name, i, o, k in layers:
            p = f'syn.b{res}.{name}'
            P[p + '.affine.weight'] = randn(i, W); P[p + '.affine.bias'] = torch.ones(i)
            P[p + '.weight'] = randn(o, i, k, k); P[p + '.bias'] = torch.zeros(o)
            if name != 'torgb':
                P[p + '.noise_strength'] = torch.zeros(1)
                B[p + '.noise_const'] = randn(1, 1, res, res)
        res *= 2
    B['map.w_avg'] = torch.zeros(W)
    cr = channels(spec, R)
    P['D.fromrgb.weight'] = randn(cr, C, 1, 1); P['D.fromrgb.bias'] = torch.zeros(cr)
    res = R
    while res >= 8:
        ci, co = channels(spec, res), channels(spec, res // 2)
        P[f'D.b{res}.conv0.weight'] = randn(ci, ci, 3, 3); P[f'D.b{res}.conv0.bias'] = torch.zeros(ci)
        P[f'D.b{res}.conv1.weight'] = randn(co, ci, 3, 3); P[f'D.b{res}.conv1.bias'] = torch.zeros(co)
        P[f'D.b{res}.skip.weight'] = randn(co, ci, 1, 1)
        res //= 2
    P['D.b4.conv.weight'] = randn(c4, c4 + 1, 3, 3); P['D.b4.conv.bias'] = torch.zeros(c4)
    P['D.b4.fc.weight'] = randn(c4, c4 * 16); P['D.b4.fc.bias'] = torch.zeros(c4)
    P['D.b4.out.weight'] = randn(c4 if K else 1, c4); P['D.b4.out.bias'] = torch.zeros(c4 if K else 1)
    if spec.get('grow'):                        # progressive growing: D's fromRGB at 8 .. R/2 (drawn last)
        res = 8
        while res < R:
            P[f'D.fromrgb{res}.weight'] = randn(channels(spec, res), C, 1, 1); P[f'D.fromrgb{res}.bias'] = torch.zeros(channels(spec, res))
            res *= 2
    for t in P.values(): t.requires_grad_(True)
    return P, B


def num_ws(spec):
    return 2 * int(round(math.log2(spec['resolution'] // 4))) + 2


def eq_linear(P, name, x, lr_mul=1.0, act=False):
    w = P[name + '.weight']
    y = F.linear(x, w * (lr_mul / math.sqrt(w.shape[1])), P[name + '.bias'] * lr_mul)
    return F.leaky_relu(y, 0.2) * SQRT2 if act else y


FUSED = False      # the reference trains with the non-fused form (fused_modconv = not training); fixtures use both


def modulated_conv(x, weight, styles, demod=True):
    """FUSED: the reference's per-sample weights [N*O,I,k,k] and one grouped convolution; else its
    training form: modulate the input, convolve, scale the output by the demodulation coefficients."""
    n, i = styles.shape
    o, _, k, _ = weight.shape
    if not FUSED:
        y = F.conv2d(x * styles.reshape(n, i, 1, 1), weight, padding=k // 2)
        if demod:
            d = ((weight.unsqueeze(0) * styles.reshape(n, 1, i, 1, 1)).square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt()
            y = y * d.reshape(n, o, 1, 1)
        return y
    w = weight.unsqueeze(0) * styles.reshape(n, 1, i, 1, 1)                      # [N,O,I,k,k]
    if demod:
        w = w * (w.square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt().reshape(n, o, 1, 1, 1)
    x = x.reshape(1, n * i, x.shape[2], x.shape[3])
    y = F.conv2d(x, w.reshape(n * o, i, k, k), padding=k // 2, groups=n)
    return y.reshape(n, o, y.shape[2], y.shape[3])


def synthesis_layer(P, B, name, x, w, up, noise, noise_gen=None):
    if up: x = F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
    weight = P[name + '.weight']
    o, i, k, _ = weight.shape
    styles = eq_linear(P, name + '.affine', w)
    y = modulated_conv(x, weight / math.sqrt(i * k * k), styles, demod=True)
    if noise == 'const':
        y = y + B[name + '.noise_const'] * P[name + '.noise_strength']
    elif noise == 'random':
        y = y + torch.randn(y.shape[0], 1, y.shape[2], y.shape[3], generator=noise_gen) * P[name + '.noise_strength']
    y = y + P[name + '.bias'].reshape(1, -1, 1, 1)
    return F.leaky_relu(y, 0.2) * SQRT2


def torgb(P, name, x, w):
    weight = P[name + '.weight']
    i = weight.shape[1]
    styles = eq_linear(P, name + '.affine', w) / math.sqrt(i)
    return modulated_conv(x, weight, styles, demod=False) + P[name + '.bias'].reshape(1, -1, 1, 1)


def normalize_2nd_moment(x):
    return x * (x.square().mean(dim=1, keepdim=True) + 1e-8).rsqrt()


def mapping(P, spec, z, c=None):
    """c: one-hot classes [N,K] of a conditional model (the reference's MappingNetwork with c_dim > 0)."""
    x = normalize_2nd_moment(z)
    if c is not None:
        x = torch.cat([x, normalize_2nd_moment(eq_linear(P, 'map.embed', c))], dim=1)
    for i in range(spec['map_layers']):
        x = eq_linear(P, f'map.fc{i}', x, lr_mul=0.01, act=True)
    return x


def synthesis(P, B, spec, ws, noise='const', noise_gen=None, stage_res=None, alpha=1.0):
    """stage_res, alpha: progressive growing - the blocks up to resolution stage_res only, the top block's
    toRGB scaled by alpha (fade-in), the image upsampled (bilinear) to the full resolution."""
    n, R = ws.shape[0], spec['resolution']
    top = stage_res or R
    x = P['syn.const'].unsqueeze(0).repeat(n, 1, 1, 1)
    img, j, res = None, 0, 4
    while res <= top:
        if res > 4:
            x = synthesis_layer(P, B, f'syn.b{res}.conv0', x, ws[:, j], True, noise, noise_gen); j += 1
        x = synthesis_layer(P, B, f'syn.b{res}.conv1', x, ws[:, j], False, noise, noise_gen); j += 1
        y = torgb(P, f'syn.b{res}.torgb', x, ws[:, j])
        if res == top and alpha != 1.0: y = y * alpha
        img = y if img is None else F.interpolate(img, scale_factor=2, mode='bilinear', align_corners=False) + y
        res *= 2
    if top < R: img = F.interpolate(img, scale_factor=R // top, mode='bilinear', align_corners=False)
    return img


def eq_conv(P, name, x, down=False, act=True, gain=1.0, bias=True):
    w = P[name + '.weight']
    y = F.conv2d(x, w / math.sqrt(w[0].numel()), padding=w.shape[2] // 2)
    if down: y = F.avg_pool2d(y, 2)
    if bias: y = y + P[name + '.bias'].reshape(1, -1, 1, 1)
    return F.leaky_relu(y, 0.2) * (SQRT2 * gain) if act else y * gain


def mbstd(x, group):
    n, c, h, w = x.shape
    g = min(group, n)
    y = x.reshape(g, -1, c, h, w)
    y = (y - y.mean(dim=0)).square().mean(dim=0)
    y = (y + 1e-8).sqrt().mean(dim=[1, 2, 3])                                      # [M]
    y = y.reshape(1, -1, 1, 1, 1).repeat(g, 1, 1, h, w).reshape(n, 1, h, w)
    return torch.cat([x, y], dim=1)


def discriminator(P, spec, img, c=None, stage_res=None, alpha=1.0):
    """c: one-hot classes [N,K] of a conditional model: the reference's projection epilogue,
    (out(x) * cmap(c)).sum(1) / sqrt(cmap_dim), cmap from a mapping network of c.
    stage_res, alpha: progressive growing - the images average-pooled to stage_res, the top block's
    output blended with the lower fromRGB of the pooled images: alpha block(fromRGB) + (1 - alpha) fromRGB'."""
    R = spec['resolution']
    top = stage_res or R
    if top < R: img = F.avg_pool2d(img, R // top)
    x = eq_conv(P, 'D.fromrgb' if top == R else f'D.fromrgb{top}', img)
    res = top
    while res >= 8:
        skip = eq_conv(P, f'D.b{res}.skip', x, down=True, act=False, gain=math.sqrt(0.5), bias=False)
        x = eq_conv(P, f'D.b{res}.conv0', x)
        x = eq_conv(P, f'D.b{res}.conv1', x, down=True, gain=math.sqrt(0.5))
        x = skip + x
        if res == top and alpha != 1.0:
            x = alpha * x + (1 - alpha) * eq_conv(P, f'D.fromrgb{top // 2}', F.avg_pool2d(img, 2))
        res //= 2
    x = eq_conv(P, 'D.b4.conv', mbstd(x, spec['mbstd_group']))
    x = eq_linear(P, 'D.b4.fc', x.flatten(1), act=True)
    x = eq_linear(P, 'D.b4.out', x)
    if c is None: return x
    cmap = normalize_2nd_moment(eq_linear(P, 'D.map.embed', c))
    for i in range(spec['map_layers']):
        cmap = eq_linear(P, f'D.map.fc{i}', cmap, lr_mul=0.01, act=True)
    return (x * cmap).sum(dim=1, keepdim=True) / math.sqrt(cmap.shape[1])


def r1_penalty(P, spec, real, stage_res=None, alpha=1.0):
    real = real.detach().requires_grad_(True)
    logits = discriminator(P, spec, real, stage_res=stage_res, alpha=alpha)
    g, = torch.autograd.grad(logits.sum(), real, create_graph=True)
    return g.square().sum(dim=[1, 2, 3]).mean()


def pl_lengths(P, B, spec, ws, y, stage_res=None, alpha=1.0):
    img = synthesis(P, B, spec, ws, noise='const', stage_res=stage_res, alpha=alpha)
    g, = torch.autograd.grad((img * y).sum(), ws, create_graph=True)
    return g.square().sum(2).mean(1).sqrt()


class Trainer:
    """The phases of src/train/sg2_step.c (Gmain, Greg every 4, Dmain, Dreg every 16), lazy Adam."""
    def __init__(self, spec, batch, lr=0.0025, betas=(0.0, 0.99), gamma=None, seed=0):
        self.spec, self.batch = spec, batch
        self.P, self.B = build(spec, torch.Generator().manual_seed(seed))
        self.gamma = gamma if gamma is not None else 0.0002 * spec['resolution'] ** 2 / batch
        gp = [v for k, v in self.P.items() if not k.startswith('D.')]
        dp = [v for k, v in self.P.items() if k.startswith('D.')]
        def lazy(params, interval):
            c = interval / (interval + 1)
            return torch.optim.Adam(params, lr=lr * c, betas=(betas[0] ** c, betas[1] ** c), eps=1e-8)
        self.opt_g, self.opt_d = lazy(gp, 4), lazy(dp, 16)
        self.pl_mean = torch.zeros([])
        self.L = num_ws(spec)

    def ws(self, n):
        z, z2 = torch.randn(n, self.spec['z_dim']), torch.randn(n, self.spec['z_dim'])
        w = mapping(self.P, self.spec, z).unsqueeze(1).repeat(1, self.L, 1)
        if torch.rand([]) < 0.9:
            cut = int(torch.randint(1, self.L, []))
            w2 = mapping(self.P, self.spec, z2).unsqueeze(1).repeat(1, self.L, 1)
            w = torch.cat([w[:, :cut], w2[:, cut:]], dim=1)
        return w

    def step(self, s, real):
        P, B, spec, n = self.P, self.B, self.spec, self.batch
        dparams = [v for k, v in P.items() if k.startswith('D.')]
        self.opt_g.zero_grad(set_to_none=True)
        for p in dparams: p.requires_grad_(False)
        img = synthesis(P, B, spec, self.ws(n), noise='random')
        F.softplus(-discriminator(P, spec, img)).mean().backward()
        for p in dparams: p.requires_grad_(True)
        self.opt_g.step()
        if s % 4 == 0:
            self.opt_g.zero_grad(set_to_none=True)
            ws = self.ws(max(n // 2, 1))
            img = synthesis(P, B, spec, ws, noise='random')
            y = torch.randn_like(img) / spec['resolution']
            g, = torch.autograd.grad((img * y).sum(), ws, create_graph=True)
            lengths = g.square().sum(2).mean(1).sqrt()
            self.pl_mean = self.pl_mean + 0.01 * (lengths.mean().detach() - self.pl_mean)
            ((lengths - self.pl_mean).square().mean() * 2.0 * 4).backward()
            self.opt_g.step()
        self.opt_d.zero_grad(set_to_none=True)
        with torch.no_grad():
            fake = synthesis(P, B, spec, self.ws(n), noise='random')
        (F.softplus(discriminator(P, spec, fake)).mean() + F.softplus(-discriminator(P, spec, real)).mean()).backward()
        self.opt_d.step()
        if s % 16 == 0:
            self.opt_d.zero_grad(set_to_none=True)
            (r1_penalty(P, spec, real) * (self.gamma / 2) * 16).backward()
            self.opt_d.step()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--steps', type=int, default=16)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--resolution', type=int, default=64)
    ap.add_argument('--ch-base', type=int, default=1024)
    ap.add_argument('--ch-max', type=int, default=64)
    ap.add_argument('--z-dim', type=int, default=128)
    ap.add_argument('--map-layers', type=int, default=8)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    spec = dict(resolution=a.resolution, channels=1, z_dim=a.z_dim, w_dim=a.z_dim, map_layers=a.map_layers,
                ch_base=a.ch_base, ch_max=a.ch_max, mbstd_group=4)
    t = Trainer(spec, a.batch)
    real = torch.rand(a.batch, 1, a.resolution, a.resolution) * 2 - 1
    for s in range(a.warmup): t.step(s, real)
    t0 = time.perf_counter()
    for s in range(a.warmup, a.warmup + a.steps): t.step(s, real)
    dt = time.perf_counter() - t0
    import resource
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f'torch stylegan2: {a.steps / dt:.4f} steps/s ({a.steps * a.batch / dt:.1f} img/s), batch {a.batch}, '
          f'{a.resolution}x{a.resolution}, {a.threads} threads, {a.steps} timed steps, peak RSS {rss:.0f} MB, torch {torch.__version__}')
    print(f'RESULT impl=torch steps_per_s={a.steps / dt:.5f} peak_rss_mb={rss:.1f}')


if __name__ == '__main__':
    main()
