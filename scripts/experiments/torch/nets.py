"""Candidate localizers for the recipe research: backbone → F [B,C,h,w] → GAP → linear K.
'tiny' is the engine's tiny net exactly (src-main/engine/backbones/tiny.ts)."""
import torch
import torch.nn as nn


def norm(kind, c):
    if kind == 'bn':
        return nn.BatchNorm2d(c)
    if kind == 'gn':
        return nn.GroupNorm(min(8, c // 4), c)
    if kind == 'none':
        return nn.Identity()
    raise ValueError(kind)


def cbr(i, o, s, nk):
    return [nn.Conv2d(i, o, 3, s, 1, bias=(nk == 'none')), norm(nk, o), nn.ReLU(inplace=True)]


class Plain(nn.Module):
    """A VGG-style stack: each entry (channels, stride) is conv3×3 + norm + ReLU."""

    def __init__(self, spec, nk):
        super().__init__()
        layers, c = [], 3
        for o, s in spec:
            layers += cbr(c, o, s, nk)
            c = o
        self.body = nn.Sequential(*layers)
        self.channels = c

    def forward(self, x):
        return self.body(x)


class Basic(nn.Module):
    def __init__(self, i, o, s, nk):
        super().__init__()
        self.c1 = nn.Conv2d(i, o, 3, s, 1, bias=False)
        self.n1 = norm(nk, o)
        self.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.n2 = norm(nk, o)
        self.down = None if (i == o and s == 1) else nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), norm(nk, o))

    def forward(self, x):
        y = torch.relu(self.n1(self.c1(x)))
        y = self.n2(self.c2(y))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class SmallResnet(nn.Module):
    """Stem conv3×3 (stride s0) then one basic block per stage."""

    def __init__(self, widths, strides, nk, stem_stride=1):
        super().__init__()
        self.stem = nn.Sequential(*cbr(3, widths[0], stem_stride, nk))
        blocks, c = [], widths[0]
        for w, s in zip(widths, strides):
            blocks.append(Basic(c, w, s, nk))
            c = w
        self.blocks = nn.Sequential(*blocks)
        self.channels = c

    def forward(self, x):
        return self.blocks(self.stem(x))


SPECS = {
    # engine tiny: 16,32,64,128 strides 2,2,2,1 (stride 8, receptive field 31 px)
    'tiny': lambda nk: Plain([(16, 2), (32, 2), (64, 2), (128, 1)], nk),
    # one more stride-1 conv at the end: receptive field 47 px
    'tiny5': lambda nk: Plain([(16, 2), (32, 2), (64, 2), (128, 1), (128, 1)], nk),
    'tiny6': lambda nk: Plain([(16, 2), (32, 2), (64, 2), (128, 1), (128, 1), (128, 1)], nk),
    # tiny5 with a stride-1 conv in the 32-channel stage too (receptive field 55 px)
    'tiny6b': lambda nk: Plain([(16, 2), (32, 2), (32, 1), (64, 2), (128, 1), (128, 1)], nk),
    'tiny-wl': lambda nk: Plain([(16, 2), (32, 2), (64, 2), (256, 1)], nk),
    # stride 4 (finer cams), the same four convs
    'tiny-s4': lambda nk: Plain([(16, 2), (32, 2), (64, 1), (128, 2)], nk),
    'tiny-w': lambda nk: Plain([(32, 2), (64, 2), (128, 2), (256, 1)], nk),
    # deeper plain nets, stride 8: two convs per stage
    'vgg8': lambda nk: Plain([(32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (256, 1)], nk),
    'vgg8-s': lambda nk: Plain([(24, 2), (32, 1), (48, 2), (64, 1), (96, 2), (128, 1), (128, 1)], nk),
    'vgg16': lambda nk: Plain([(32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1)], nk),
    'res8': lambda nk: SmallResnet([32, 64, 128, 256], [1, 2, 2, 1], nk, stem_stride=2),
    'res8-s': lambda nk: SmallResnet([16, 32, 64, 128], [1, 2, 2, 1], nk, stem_stride=2),
}


class Localizer(nn.Module):
    def __init__(self, arch, nk, K):
        super().__init__()
        self.backbone = SPECS[arch](nk)
        self.fc = nn.Linear(self.backbone.channels, K)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')

    def forward(self, x):
        f = self.backbone(x)
        return f, self.fc(f.mean((2, 3)))

    def cams(self, x, classes):
        """Grad-CAM of a GAP+linear head = relu(Σ_C W[c]·F), per requested class: [len(classes),h,w]."""
        f, _ = self.forward(x)
        w = self.fc.weight[classes]  # [P,C]
        return torch.relu(torch.einsum('pc,chw->phw', w, f[0]))
