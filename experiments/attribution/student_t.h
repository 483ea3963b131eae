// Student's t distribution, for the confidence intervals of the factorial effects (Jain, The Art of
// Computer Systems Performance Analysis, ch. 13 and 18: CI = q -/+ t[1 - alpha/2; dof] * s_q).
//
// Implemented here rather than taken from a statistics library (the project adds no dependencies): the
// CDF through the regularized incomplete beta function (continued fraction, Lentz's method), the
// quantile by bisection on the CDF, which is monotone, to full double precision.
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_STUDENT_T_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_STUDENT_T_H_

namespace dispatchlab::attribution {

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1.
double RegularizedIncompleteBeta(double a, double b, double x);

// P(T <= t) for Student's t with `dof` > 0 degrees of freedom.
double StudentTCdf(double t, double dof);

// The p-quantile of Student's t with `dof` > 0 degrees of freedom, 0 < p < 1:
// StudentTQuantile(0.975, 8) = 2.306...
double StudentTQuantile(double p, double dof);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_STUDENT_T_H_
