"""The PyTorch peer of bench/bench_inception.c: torchvision's inception_v3 (eval, no auxiliary classifier) on
299x299 inputs, pool features and logits under torch.no_grad(), the time per image.

Usage: /usr/bin/python3 bench/torch_inception.py --weights OUT.safetensors [--threads 2] [--batch 8] [--reps 3]
Also writes the model's random weights (seeded, torchvision's own initialisation) to --weights with
tools/convert_inception.py, the file bench_inception.c then loads, so both run the same network.
Prints the time per image (best of --reps batches after one warm-up batch) and a "RESULT key=value" line."""
import argparse, os, resource, sys, time
import torch, torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
from convert_inception import convert

p = argparse.ArgumentParser()
p.add_argument('--weights', required=True)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--batch', type=int, default=8)
p.add_argument('--reps', type=int, default=3)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
m = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False).eval()
pth = a.weights + '.pth'
torch.save(m.state_dict(), pth)
convert(pth, a.weights, 'torchvision')
os.unlink(pth)
feats = {}
m.avgpool.register_forward_hook(lambda mod, i, o: feats.__setitem__('f', torch.flatten(o, 1)))
x = torch.rand(a.batch, 3, 299, 299) * 2 - 1
best = float('inf')
with torch.no_grad():
    m(x)                                                   # warm-up
    for r in range(a.reps):
        t = time.perf_counter()
        m(x)
        best = min(best, time.perf_counter() - t)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(f'torch {torch.__version__} / torchvision {torchvision.__version__}: inception_v3 batch {a.batch}, {a.threads} threads: '
      f'{best / a.batch * 1000:.1f} ms per image (best of {a.reps}), peak RSS {rss:.0f} MB')
print(f'RESULT impl=torch batch={a.batch} threads={a.threads} ms_per_image={best / a.batch * 1000:.2f} peak_rss_mb={rss:.0f}')
