# The native peer for bench/torch.ts: PyTorch training steps driven over stdin/stdout, one JSON line each way, so
# simdnet and torch are timed interleaved in one bench process. Bench-only; needs python3 with torch (Debian
# python3-torch). Commands: {"cmd": "info"}; {"cmd": "setup", "net": "mlp" | "study4" | "lenet", "threads": n};
# {"cmd": "run", "steps": k}. The networks, optimizers and batch sizes match bench/train.ts (bench/steps.ts); net
# "gemm512" runs C = A·B, 512×512×512, per step instead.
import ctypes
import json
import os
import sys

import torch

BATCHES, CLASSES = 4, 10


def blas_info():
    """The BLAS library torch has loaded (from /proc/self/maps) and, for OpenBLAS, its build and core."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    libs = set()
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.split()[-1]
                if 'blas' in path.lower() or 'mkl' in path.lower():
                    libs.add(path)
    except OSError:
        pass
    out = {'libraries': sorted(libs)}
    for path in sorted(libs):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            out['openblas'] = f"{lib.openblas_get_config().decode()} core {lib.openblas_get_corename().decode()}"
            break
        except (OSError, AttributeError):
            continue
    return out


def make_net(net):
    nn = torch.nn
    if net == 'mlp':  # 784-128-128-10 ReLU, Adam
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, CLASSES))
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7), 128, (784,)
    if net == 'study4':  # seed study 4's network: 6 hidden layers of 128, tanh, RMSProp (Keras defaults rho 0.9)
        layers, width = [], 784
        for _ in range(6):
            layers += [nn.Linear(width, 128), nn.Tanh()]
            width = 128
        model = nn.Sequential(*layers, nn.Linear(128, CLASSES))
        return model, torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7), 128, (784,)
    if net == 'lenet':  # conv 5×5×6 same, pool, conv 5×5×16, pool, dense 120, 84, 10; Adam; NCHW (torch's layout)
        model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                              nn.Linear(84, CLASSES))
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7), 64, (1, 28, 28)
    raise ValueError(f'unknown net {net}')


def main():
    torch.manual_seed(1)
    state = {}
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg['cmd']
        if cmd == 'info':
            reply = {'torch': torch.__version__, 'blas': blas_info(),
                     'malloc': {k: os.environ.get(k) for k in ('MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_')},
                     'parallel': torch.__config__.parallel_info().split('\n')[1].strip()}
        elif cmd == 'setup' and msg['net'] == 'gemm512':
            torch.set_num_threads(int(msg['threads']))
            a, b, c = torch.rand(512, 512), torch.rand(512, 512), torch.empty(512, 512)
            state = {'gemm': lambda: torch.mm(a, b, out=c)}
            reply = {'ok': True, 'threads': torch.get_num_threads()}
        elif cmd == 'setup':
            torch.set_num_threads(int(msg['threads']))
            model, opt, batch, sample = make_net(msg['net'])
            xs = [torch.rand(batch, *sample) for _ in range(BATCHES)]
            ys = [torch.randint(0, CLASSES, (batch,)) for _ in range(BATCHES)]
            loss_fn = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy on the logits, as one op
            state = {'model': model, 'opt': opt, 'xs': xs, 'ys': ys, 'loss': loss_fn, 'i': 0}
            reply = {'ok': True, 'threads': torch.get_num_threads()}
        elif cmd == 'run' and 'gemm' in state:
            for _ in range(int(msg['steps'])):
                state['gemm']()
            reply = {'ok': True}
        elif cmd == 'run':
            s, loss = state, None
            for _ in range(int(msg['steps'])):
                k = s['i'] % BATCHES
                s['i'] += 1
                s['opt'].zero_grad(set_to_none=False)
                loss = s['loss'](s['model'](s['xs'][k]), s['ys'][k])
                loss.backward()
                s['opt'].step()
            reply = {'ok': True, 'loss': None if loss is None else float(loss)}
        else:
            reply = {'error': f'unknown command {cmd}'}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
