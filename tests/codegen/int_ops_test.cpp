// Integer operators' lowering (signed division and remainder from unsigned
// operations, shifts with a defined result for every count), checked on
// constants: IRBuilder folds them, so the folded value is what BPF computes.
#include <gtest/gtest.h>

#include <llvm/IR/Constants.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>

#include <cstdint>

#include "codegen/lowering.h"

using namespace probe;

namespace {

struct Folder {
  llvm::LLVMContext ctx;
  llvm::IRBuilder<> b{ctx};
  llvm::Value *c(int64_t v) { return llvm::ConstantInt::get(b.getInt64Ty(), static_cast<uint64_t>(v), true); }
  int64_t get(llvm::Value *v) {
    auto *k = llvm::dyn_cast<llvm::ConstantInt>(v);
    EXPECT_NE(k, nullptr) << "not folded";
    return k ? k->getSExtValue() : INT64_MIN + 12345;
  }
  int64_t div(int64_t l, int64_t r) { return get(Lowering::signed_div(b, c(l), c(r), false)); }
  int64_t rem(int64_t l, int64_t r) { return get(Lowering::signed_div(b, c(l), c(r), true)); }
  int64_t shl(int64_t l, int64_t r) { return get(Lowering::shift(b, true, false, c(l), c(r))); }
  int64_t lshr(int64_t l, int64_t r) { return get(Lowering::shift(b, false, false, c(l), c(r))); }
  int64_t ashr(int64_t l, int64_t r) { return get(Lowering::shift(b, false, true, c(l), c(r))); }
};

}  // namespace

TEST(IntOps, SignedDivisionTruncatesTowardZero) {
  Folder f;
  EXPECT_EQ(f.div(-7, 2), -3);
  EXPECT_EQ(f.div(7, -2), -3);
  EXPECT_EQ(f.div(-7, -2), 3);
  EXPECT_EQ(f.div(7, 2), 3);
  EXPECT_EQ(f.div(0, -5), 0);
  EXPECT_EQ(f.div(INT64_MIN, 2), INT64_MIN / 2);
  EXPECT_EQ(f.div(INT64_MAX, -1), -INT64_MAX);
  EXPECT_EQ(f.div(INT64_MIN, -1), INT64_MIN);  // wraps, as two's complement
  EXPECT_EQ(f.div(INT64_MIN, INT64_MIN), 1);
}

TEST(IntOps, SignedRemainderHasTheSignOfTheDividend) {
  Folder f;
  EXPECT_EQ(f.rem(-7, 2), -1);
  EXPECT_EQ(f.rem(7, -2), 1);
  EXPECT_EQ(f.rem(-7, -2), -1);
  EXPECT_EQ(f.rem(7, 2), 1);
  EXPECT_EQ(f.rem(INT64_MIN, -1), 0);
  EXPECT_EQ(f.rem(INT64_MIN, 3), INT64_MIN % 3);
  EXPECT_EQ(f.rem(-6, 3), 0);
}

TEST(IntOps, ShiftsOfSixtyFourOrMoreShiftEverythingOut) {
  Folder f;
  EXPECT_EQ(f.shl(1, 63), INT64_MIN);
  EXPECT_EQ(f.shl(1, 64), 0);
  EXPECT_EQ(f.shl(1, 65), 0);
  EXPECT_EQ(f.shl(1, -1), 0);  // a negative count is huge as unsigned
  EXPECT_EQ(f.lshr(-1, 60), 15);
  EXPECT_EQ(f.lshr(-1, 64), 0);
  EXPECT_EQ(f.ashr(-8, 1), -4);
  EXPECT_EQ(f.ashr(-8, 63), -1);
  EXPECT_EQ(f.ashr(-8, 64), -1);
  EXPECT_EQ(f.ashr(8, 100), 0);
  EXPECT_EQ(f.ashr(INT64_MIN, 1), INT64_MIN / 2);
}

TEST(IntOps, DivisionByZeroGivesOne) {
  Folder f;
  // Current bpftrace's result for x / 0 and x % 0 (with a run-time warning).
  EXPECT_EQ(f.get(Lowering::divide(f.b, f.c(5), f.c(0), true, false)), 1);
  EXPECT_EQ(f.get(Lowering::divide(f.b, f.c(5), f.c(0), false, true)), 1);
  EXPECT_EQ(f.get(Lowering::divide(f.b, f.c(-7), f.c(2), true, false)), -3);
  EXPECT_EQ(f.get(Lowering::divide(f.b, f.c(-7), f.c(2), true, true)), -1);
  EXPECT_EQ(f.get(Lowering::divide(f.b, f.c(100), f.c(7), false, true)), 2);
  EXPECT_EQ(f.get(Lowering::div_result(f.b, f.c(0), f.c(12345))), 1);
  EXPECT_EQ(f.get(Lowering::div_result(f.b, f.c(2), f.c(-3))), -3);
}
