/**
 * An exact reference for the network's magnitude limits: the optimum of a tiny second-order-cone program
 * on the Caltech wiring, by a log-barrier interior-point method written out from the phasor formulas (it
 * shares nothing with the optimizer). Used by the tests and by bench/network-bench.ts to measure what the
 * LP's inner polygon gives up.
 */

/**
 * The exact optimum of max sum_g eta_g P_g over P >= 0 (kW per line pair) with every Caltech line magnitude
 * within its limit: a tiny second-order-cone program solved by a log-barrier interior-point method (Newton
 * steps on t x (-eta . P) - sum log(limit^2 - |line|^2) - sum log P_g, t growing to 1e12, so the answer is
 * within 9 / t of the optimum). Written out from the phasor formulas, sharing nothing with the optimizer.
 */
export function exactCaltechOptimum(ratingKva: number, eta: readonly number[]): number {
  const secondaryA = (ratingKva * 1000) / 3 / 120;
  const primaryA = (ratingKva * 1000) / 3 / 277;
  const unit = (deg: number): [number, number] => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
  const perKw = 1000 / 208;
  // Line current = sum_g (re_g + j im_g) P_g: columns AB, BC, CA.
  const [ab, bc, ca] = [unit(30), unit(-90), unit(150)];
  const sec = [
    [[ab, 1], [ca, -1]],
    [[bc, 1], [ab, -1]],
    [[ca, 1], [bc, -1]],
  ] as const;
  const groupOf = (u: readonly number[]) => (u === ab ? 0 : u === bc ? 1 : 2);
  const rows: { re: number[]; im: number[]; limit: number }[] = [];
  const secondaryRows = sec.map((terms) => {
    const re = [0, 0, 0];
    const im = [0, 0, 0];
    for (const [u, sign] of terms) {
      re[groupOf(u)]! += sign * u[0] * perKw;
      im[groupOf(u)]! += sign * u[1] * perKw;
    }
    return { re, im, limit: secondaryA };
  });
  rows.push(...secondaryRows);
  // Delta primary: (a - c) / 4, (b - a) / 4, (c - b) / 4.
  for (const [x, y] of [[0, 2], [1, 0], [2, 1]] as const) {
    rows.push({
      re: [0, 1, 2].map((g) => (secondaryRows[x]!.re[g]! - secondaryRows[y]!.re[g]!) / 4),
      im: [0, 1, 2].map((g) => (secondaryRows[x]!.im[g]! - secondaryRows[y]!.im[g]!) / 4),
      limit: primaryA,
    });
  }
  const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const slack = (r: (typeof rows)[number], x: readonly number[]) => r.limit ** 2 - dot(r.re, x) ** 2 - dot(r.im, x) ** 2;
  const feasible = (x: readonly number[]) => x.every((v) => v > 0) && rows.every((r) => slack(r, x) > 0);
  const solve3 = (h: number[][], g: number[]) => {
    // Gaussian elimination with partial pivoting on the 3 x 3 system h d = g.
    const m = h.map((row, i) => [...row, g[i]!]);
    for (let c = 0; c < 3; c++) {
      const p = [c, c + 1, c + 2].filter((r) => r < 3).reduce((a, b) => (Math.abs(m[b]![c]!) > Math.abs(m[a]![c]!) ? b : a));
      [m[c], m[p]] = [m[p]!, m[c]!];
      for (let r = c + 1; r < 3; r++) {
        const f = m[r]![c]! / m[c]![c]!;
        for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
      }
    }
    const d = [0, 0, 0];
    for (let r = 2; r >= 0; r--) {
      let acc = m[r]![3]!;
      for (let k = r + 1; k < 3; k++) acc -= m[r]![k]! * d[k]!;
      d[r] = acc / m[r]![r]!;
    }
    return d;
  };
  let x = [1e-3, 1e-3, 1e-3];
  for (let t = 1; t <= 1e12; t *= 4) {
    for (let iter = 0; iter < 100; iter++) {
      const g = eta.map((e) => -t * e);
      const h = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
      for (let i = 0; i < 3; i++) {
        g[i]! -= 1 / x[i]!;
        h[i]![i]! += 1 / x[i]! ** 2;
      }
      for (const r of rows) {
        const s = slack(r, x);
        const a = dot(r.re, x);
        const b = dot(r.im, x);
        // f = a^2 + b^2 - limit^2 = -s; -log(s): gradient (2 a re + 2 b im) / s, Hessian 2 (re re' + im im') / s + grad grad'.
        const grad = [0, 1, 2].map((i) => (2 * a * r.re[i]! + 2 * b * r.im[i]!) / s);
        for (let i = 0; i < 3; i++) {
          g[i]! += grad[i]!;
          for (let j = 0; j < 3; j++) h[i]![j]! += (2 * (r.re[i]! * r.re[j]! + r.im[i]! * r.im[j]!)) / s + grad[i]! * grad[j]!;
        }
      }
      const d = solve3(h, g).map((v) => -v);
      const decrement = -dot(g, d);
      if (decrement < 1e-14) break;
      let step = 1;
      while (!feasible(x.map((v, i) => v + step * d[i]!))) step /= 2;
      const value = (y: readonly number[]) => -t * dot(eta, y) - y.reduce((acc, v) => acc + Math.log(v), 0) - rows.reduce((acc, r) => acc + Math.log(slack(r, y)), 0);
      const f0 = value(x);
      while (value(x.map((v, i) => v + step * d[i]!)) > f0 - 0.25 * step * decrement && step > 1e-14) step /= 2;
      x = x.map((v, i) => v + step * d[i]!);
    }
  }
  return dot(eta, x);
}
