#include "frontend/ast.h"

namespace probe::ast {

const char *to_string(BinOp op) {
  switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::Mod: return "%";
    case BinOp::Shl: return "<<";
    case BinOp::Shr: return ">>";
    case BinOp::BitAnd: return "&";
    case BinOp::BitOr: return "|";
    case BinOp::BitXor: return "^";
    case BinOp::LAnd: return "&&";
    case BinOp::LOr: return "||";
    case BinOp::Eq: return "==";
    case BinOp::Ne: return "!=";
    case BinOp::Lt: return "<";
    case BinOp::Le: return "<=";
    case BinOp::Gt: return ">";
    case BinOp::Ge: return ">=";
    case BinOp::Elvis: return "?:";
  }
  return "?";
}

const char *to_string(UnOp op) {
  switch (op) {
    case UnOp::Neg: return "-";
    case UnOp::LNot: return "!";
    case UnOp::BitNot: return "~";
    case UnOp::Deref: return "*";
    case UnOp::AddrOf: return "&";
    case UnOp::PreInc:
    case UnOp::PostInc: return "++";
    case UnOp::PreDec:
    case UnOp::PostDec: return "--";
  }
  return "?";
}

}  // namespace probe::ast
