// The [rows, cols] grids the loss kernel tests sweep (test/kernels/losses*.test.ts): cols cross the vector width and
// the 4-vector unroll (1…17, 129); finite-difference shapes are smaller.
export const LOSS_ROWS = [1, 2, 3, 7, 33];
export const LOSS_COLS = [1, 2, 3, 4, 5, 8, 10, 17, 129];
export const LOSS_FD_SHAPES: [number, number][] = [[1, 1], [2, 3], [3, 5], [7, 4], [2, 17], [1, 129]];
