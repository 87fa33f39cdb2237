"""The labels Barometer predicts: three sentiment classes and the topic taxonomy (DESIGN.md)."""

from __future__ import annotations

SENTIMENTS = ("negative", "neutral", "positive")

# Topic id -> what a post must be about to carry it. The descriptions also serve
# zero-shot scoring for a topic that has no labeled posts yet.
TOPICS: dict[str, str] = {
    "reassignment": "forced transfers, team drafts, reorgs, role changes imposed on staff",
    "surveillance": (
        "monitoring of employees: keystroke, mouse or screen capture, productivity tracking, "
        "privacy at work"
    ),
    "job_security": (
        "layoffs, cuts, fear of losing one's job, severance, being replaced by automation"
    ),
    "ai_strategy": (
        "the company's AI direction and bets, model quality against competitors, AI investment"
    ),
    "data_work": (
        "data labeling, annotation, demonstrations, grading model output; the nature and status "
        "of that work"
    ),
    "leadership_trust": (
        "trust in and communication from executives and management; transparency; all-hands"
    ),
    "workload": "hours, deadlines, burnout, stress, on-call, understaffing",
    "compensation": "pay, bonus, equity, raises, pay tied to promotion",
    "career_growth": ("skills, career paths, promotion, role status, internal mobility, learning"),
    "collective_action": ("petitions, flyers, unions, protests, organizing, walkouts (protected)"),
    "remote_work": "return to office, remote and hybrid policy, office space, commuting",
    "wellbeing": "mental health, benefits, support programmes, health",
}
TOPIC_IDS = tuple(TOPICS)
