# Golden figures for cxgov's design-based estimates, computed by R's survey package (Lumley).
#
# Run from the repository root, with the shared data beside the repository:
#     Rscript docs/golden/survey_golden.R > cxgov/insights/tests/golden/survey_golden.csv
# cxgov/insights/tests/test_weighting_golden.py reads that file and computes every figure again
# with cxgov.insights.weighting; R is not needed to run the tests.
#
# Data: ../shared/data/govcxanalyzer/fake-omb-a11-survey-response-level-data.csv, 639 rows of
# GSA's synthetic A-11 responses (GSA labels them fake). The population margins below are
# invented for the test (they are not a real population): user group and region, both adding
# up to 10,000, so the 12 respondents of Region1 carry large weights and trimming bites.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")

d <- read.csv("../shared/data/govcxanalyzer/fake-omb-a11-survey-response-level-data.csv",
              check.names = FALSE, stringsAsFactors = FALSE)
d$satisfaction <- d[["Satisfaction"]]
d$trust <- d[["Trust/Confidence"]]
d$satisfaction_positive <- as.numeric(d$satisfaction >= 4)
d$trust_positive <- as.numeric(d$trust >= 4)
# An answer left blank: helpfulness is taken as unanswered on every tenth row (rows 10, 20, ...),
# so the figures show how a missing answer is handled (as a domain, na.rm = TRUE).
d$helpfulness <- d[["Helpfulness"]]
d$helpfulness[seq_len(nrow(d)) %% 10 == 0] <- NA
d$helpfulness_positive <- as.numeric(d$helpfulness >= 4)

population <- list(
  UserGroup = c(Group1 = 2000, Group2 = 3000, Group3 = 3500, Group4 = 1000, Group5 = 500),
  Region = c(Region1 = 3000, Region2 = 4000, Region3 = 3000)
)
trim <- 5  # weights above 5 times the mean weight are trimmed

plain <- svydesign(ids = ~1, data = d, weights = ~rep(1, nrow(d)))
raked <- rake(plain, list(~UserGroup, ~Region),
              list(data.frame(UserGroup = names(population$UserGroup),
                              Freq = unname(population$UserGroup)),
                   data.frame(Region = names(population$Region),
                              Freq = unname(population$Region))),
              control = list(maxit = 1000, epsilon = 1e-13))
trimmed <- trimWeights(raked, upper = trim * mean(weights(raked)))
d$weight <- weights(trimmed)
fixed <- svydesign(ids = ~1, data = d, weights = ~weight)

designs <- list(unweighted = plain, raked = raked, raked_trimmed = trimmed, fixed_weights = fixed)

rows <- list()
put <- function(design, figure, variable, domain, statistic, value) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, figure = figure, variable = variable,
                                         domain = domain, statistic = statistic,
                                         value = sprintf("%.17g", value))
}

kish <- function(w) length(w) * sum(w^2) / sum(w)^2
neff <- function(w) sum(w)^2 / sum(w^2)
wilson <- function(p, n) {
  z <- qnorm(0.975)
  centre <- (p + z^2 / (2 * n)) / (1 + z^2 / n)
  half <- z * sqrt(p * (1 - p) / n + z^2 / (4 * n^2)) / (1 + z^2 / n)
  c(max(0, centre - half), min(1, centre + half))
}
t_interval <- function(y, w, n_eff) {
  m <- sum(w * y) / sum(w)
  n <- length(y)
  s2 <- sum(w * (y - m)^2) / sum(w) * n / (n - 1)
  half <- qt(0.975, n_eff - 1) * sqrt(s2 / n_eff)
  c(m - half, m + half)
}

describe <- function(name, design, variable, share, domain_label, keep) {
  w <- weights(design)
  y <- design$variables[[variable]]
  inside <- keep & !is.na(y) & w > 0
  wd <- w[inside]
  yd <- y[inside]
  n_eff <- neff(wd)
  put(name, if (share) "share" else "mean", variable, domain_label, "design_effect", kish(wd))
  put(name, if (share) "share" else "mean", variable, domain_label, "effective_n", n_eff)
  put(name, if (share) "share" else "mean", variable, domain_label, "n", length(yd))
  bounds <- if (share) wilson(sum(wd * yd) / sum(wd), n_eff) else t_interval(yd, wd, n_eff)
  put(name, if (share) "share" else "mean", variable, domain_label, "low", bounds[1])
  put(name, if (share) "share" else "mean", variable, domain_label, "high", bounds[2])
}

for (name in names(designs)) {
  design <- designs[[name]]
  if (name != "unweighted") {
    w <- weights(design)
    for (i in seq_along(w)) put(name, "weight", "row", as.character(i), "weight", w[i])
  }
  for (variable in c("satisfaction_positive", "trust_positive", "helpfulness_positive",
                     "satisfaction", "trust", "helpfulness")) {
    share <- grepl("_positive$", variable)
    figure <- if (share) "share" else "mean"
    estimate <- svymean(as.formula(paste0("~", variable)), design, na.rm = TRUE)
    put(name, figure, variable, "", "value", coef(estimate)[[1]])
    put(name, figure, variable, "", "standard_error", SE(estimate)[[1]])
    describe(name, design, variable, share, "", rep(TRUE, nrow(d)))
    by_years <- svyby(as.formula(paste0("~", variable)), ~Years, design, svymean, na.rm = TRUE)
    for (i in seq_len(nrow(by_years))) {
      domain <- as.character(by_years$Years[i])
      put(name, figure, variable, domain, "value", coef(by_years)[[i]])
      put(name, figure, variable, domain, "standard_error", SE(by_years)[[i]])
      describe(name, design, variable, share, domain, d$Years == domain)
    }
  }
}

out <- do.call(rbind, rows)
write.csv(out, stdout(), row.names = FALSE, quote = TRUE)
