"""The PyTorch peer of bench/bench_dcgan.c: the course DCGAN (28x28, z=64) trained on Fashion-MNIST,
model, data and step exactly as ../shared/bench/torch_dcgan.py (the lead's peer script).
Usage: /usr/bin/python3 bench/torch_dcgan.py [--threads 2] [--batch 128] [--steps 40] [--warmup 5] [--loss bce|wgan-gp]
Prints steps/s, images/s, the peak RSS (resource.getrusage, ru_maxrss) at the end and before the
first step, and a "RESULT key=value ..." line for bench/run.sh."""
import argparse, gzip, os, resource, struct, time
import numpy as np, torch, torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=2)
p.add_argument('--batch', type=int, default=128)
p.add_argument('--steps', type=int, default=40)
p.add_argument('--warmup', type=int, default=5)
p.add_argument('--loss', default='bce', choices=['bce', 'wgan-gp'])
p.add_argument('--data', default='/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: kilobytes


def load_idx(path):
    op = gzip.open if path.endswith('.gz') else open
    with op(path, 'rb') as f:
        _, n, h, w = struct.unpack('>IIII', f.read(16))
        return np.frombuffer(f.read(), np.uint8).reshape(n, 1, h, w)


if os.path.exists(a.data):
    x = torch.from_numpy(load_idx(a.data)[:20000].astype(np.float32) / 127.5 - 1)
else:
    x = torch.rand(20000, 1, 28, 28) * 2 - 1


def gblock(i, o, k=3, s=2, final=False):
    if final: return nn.Sequential(nn.ConvTranspose2d(i, o, k, s), nn.Tanh())
    return nn.Sequential(nn.ConvTranspose2d(i, o, k, s), nn.BatchNorm2d(o), nn.ReLU(True))


def dblock(i, o, k=4, s=2, final=False, bn=True):
    if final: return nn.Sequential(nn.Conv2d(i, o, k, s))
    layers = [nn.Conv2d(i, o, k, s)]
    if bn: layers.append(nn.BatchNorm2d(o))
    layers.append(nn.LeakyReLU(0.2, True))
    return nn.Sequential(*layers)


Z, H = 64, 64
G = nn.Sequential(gblock(Z, H * 4), gblock(H * 4, H * 2, 4, 1), gblock(H * 2, H), gblock(H, 1, 4, final=True))
bn = a.loss != 'wgan-gp'
D = nn.Sequential(dblock(1, 16, bn=bn), dblock(16, 32, bn=bn), dblock(32, 1, final=True))
og = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
od = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
crit = nn.BCEWithLogitsLoss()


def step(i):
    B = a.batch
    real = x[(i * B) % (len(x) - B):][:B]
    z = torch.randn(B, Z, 1, 1)
    fake = G(z)
    od.zero_grad()
    if a.loss == 'bce':
        pf, pr = D(fake.detach()).view(B, -1), D(real).view(B, -1)
        ld = (crit(pf, torch.zeros_like(pf)) + crit(pr, torch.ones_like(pr))) / 2
    else:
        eps = torch.rand(B, 1, 1, 1)
        mix = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
        g, = torch.autograd.grad(D(mix).sum(), mix, create_graph=True)
        gp = ((g.view(B, -1).norm(2, dim=1) - 1) ** 2).mean()
        ld = D(fake.detach()).mean() - D(real).mean() + 10 * gp
    ld.backward(); od.step()
    og.zero_grad()
    pf = D(fake).view(B, -1)
    lg = crit(pf, torch.ones_like(pf)) if a.loss == 'bce' else -pf.mean()
    lg.backward(); og.step()
    return ld.item() + lg.item()


rss0 = peak_rss_mb()
for i in range(a.warmup): step(i)
t = time.perf_counter()
for i in range(a.steps): step(i)          # as the lead's peer
dt = time.perf_counter() - t
rss = peak_rss_mb()
sps = a.steps / dt
print(f"torch {torch.__version__} threads={a.threads} loss={a.loss} batch={a.batch} steps={a.steps}: "
      f"{sps:.2f} steps/s, {sps * a.batch:.0f} images/s, peak RSS {rss:.1f} MB (before the first step {rss0:.1f} MB)")
print(f"RESULT impl=torch loss={a.loss} steps_per_s={sps:.3f} images_per_s={sps * a.batch:.1f} peak_rss_mb={rss:.1f} "
      f"rss_before_mb={rss0:.1f}")
