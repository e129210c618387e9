"""Freezing a model and training a new head.

A small "pretrained" network has its parameters frozen (requires_grad =
False); a new nn.Linear head is trained with optim.SGD(head.parameters(),
momentum=0.5). Only the head's parameters change.
"""
import numpy as np

from srcdiff import nn, optim
from srcdiff.tensor import tensor, manual_seed

manual_seed(0)
body = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 8), nn.Tanh())
for p in body.parameters():
    p.requires_grad = False                    # freeze
frozen = [p.data.copy() for p in body.parameters()]

head = nn.Linear(8, 1)                         # new parameters: requires_grad=True
optimizer = optim.SGD(head.parameters(), lr=0.05, momentum=0.5)

rng = np.random.default_rng(0)
x = tensor(rng.standard_normal((256, 4)))
target = tensor(np.sin(x.data[:, :1]) + 0.5 * x.data[:, 1:2])

for step in range(301):
    optimizer.zero_grad()
    loss = ((head(body(x)) - target) ** 2).mean()
    loss.backward()
    optimizer.step()
    if step == 0:
        first = loss.item()
    if step % 100 == 0:
        print(f"step {step:3d}  loss {loss.item():.5f}")

print("frozen parameters have no gradient:", all(p.grad is None for p in body.parameters()))
assert all(p.grad is None for p in body.parameters())
assert all(np.array_equal(p.data, f) for p, f in zip(body.parameters(), frozen))
assert all(p.grad is not None for p in head.parameters())
assert loss.item() < 0.5 * first
print(f"the head alone took the loss from {first:.4f} to {loss.item():.4f}")
print("OK")
