"""requires_grad propagates: an operation's result requires grad exactly when
one of its inputs does; no_grad() switches recording off."""
from srcdiff.tensor import rand, no_grad

x = rand(5, 5)
y = rand(5, 5)
z = rand(5, 5, requires_grad=True)

a = x + y
print("Does `a` require gradients?", a.requires_grad)
b = x + z
print("Does `b` require gradients?", b.requires_grad)
assert not a.requires_grad
assert b.requires_grad and b.grad_fn is not None
print("b.grad_fn =", b.grad_fn)

with no_grad():
    c = x * z
print("Under no_grad(), does `c` require gradients?", c.requires_grad)
assert not c.requires_grad

d = z.detach() * 2
print("Does a detached computation require gradients?", d.requires_grad)
assert not d.requires_grad
print("OK")
