// Precompiled for every test: LibTorch's full API and GoogleTest.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>
