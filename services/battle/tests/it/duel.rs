use std::time::Duration;

use joust_battle::{
    battles::{self, AcceptChallenge, CreateChallenge, Resume, Submit},
    error::ApiError,
};
use joust_common::domain::EventKind;
use uuid::Uuid;

use crate::spawn_app;

fn sum_submit(battle_id: Uuid) -> Submit {
    Submit {
        battle_id,
        language: "python".into(),
        source: "print(sum(map(int, input().split())))".into(),
        idempotency_key: None,
    }
}

#[tokio::test]
async fn a_challenge_becomes_a_battle_that_starts_after_the_countdown() {
    let app = spawn_app(Duration::from_millis(300)).await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let state = app.state.clone();

    let challenge =
        battles::create_challenge(state.clone(), ada.clone(), CreateChallenge::default())
            .await
            .unwrap();
    let own = battles::accept_challenge(
        state.clone(),
        ada.clone(),
        AcceptChallenge {
            code: challenge.code.clone(),
        },
    )
    .await;
    assert!(matches!(own, Err(ApiError::OwnChallenge)));

    let battle = battles::accept_challenge(
        state.clone(),
        bo.clone(),
        AcceptChallenge {
            code: challenge.code.to_lowercase(),
        },
    )
    .await
    .unwrap();
    let early = battles::submit(state.clone(), ada.clone(), sum_submit(battle.battle_id)).await;
    assert!(
        matches!(early, Err(ApiError::BattleNotStarted)),
        "{early:?}"
    );

    tokio::time::sleep(Duration::from_millis(600)).await;
    let queued = battles::submit(state.clone(), ada.clone(), sum_submit(battle.battle_id))
        .await
        .unwrap();

    // The submission is durable: a row and a stream entry.
    let language: String = sqlx::query_scalar("SELECT language FROM submissions WHERE id = $1")
        .bind(queued.submission_id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(language, "python");
    let mut redis = state.redis.clone();
    let length: i64 = redis::cmd("XLEN")
        .arg(joust_common::queue::submissions_stream(&state.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(length, 1);

    let log = battles::resume(
        state.clone(),
        bo.clone(),
        Resume {
            battle_id: battle.battle_id,
            last_seq: 0,
        },
    )
    .await
    .unwrap();
    let kinds: Vec<_> = log.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::BattleCreated,
            EventKind::BattleStarted,
            EventKind::SubmissionReceived
        ]
    );
    let tail = battles::resume(
        state,
        bo,
        Resume {
            battle_id: battle.battle_id,
            last_seq: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!(tail.events.len(), 1);
    assert_eq!(tail.events[0].seq, 3);
}

#[tokio::test]
async fn only_players_may_submit_or_read_a_battle() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let state = app.state.clone();
    let challenge = battles::create_challenge(state.clone(), ada, CreateChallenge::default())
        .await
        .unwrap();
    let battle = battles::accept_challenge(
        state.clone(),
        bo,
        AcceptChallenge {
            code: challenge.code,
        },
    )
    .await
    .unwrap();

    let submit = battles::submit(state.clone(), eve.clone(), sum_submit(battle.battle_id)).await;
    assert!(
        matches!(submit, Err(ApiError::NotAParticipant)),
        "{submit:?}"
    );
    let resume = battles::resume(
        state.clone(),
        eve.clone(),
        Resume {
            battle_id: battle.battle_id,
            last_seq: 0,
        },
    )
    .await;
    assert!(matches!(resume, Err(ApiError::NotAParticipant)));
    let missing = battles::submit(state, eve, sum_submit(Uuid::new_v4())).await;
    assert!(matches!(missing, Err(ApiError::BattleNotFound)));
}

#[tokio::test]
async fn submissions_are_validated_before_anything_is_stored() {
    let app = spawn_app(Duration::ZERO).await;
    let ada = app.guest("ada").await;
    let battle_id = Uuid::new_v4();
    for submit in [
        Submit {
            battle_id,
            language: "cobol".into(),
            source: "x".into(),
            idempotency_key: None,
        },
        Submit {
            battle_id,
            language: "c".into(),
            source: "  \n".into(),
            idempotency_key: None,
        },
        Submit {
            battle_id,
            language: "c".into(),
            source: "x".repeat(65 * 1024),
            idempotency_key: None,
        },
        Submit {
            battle_id,
            language: "c".into(),
            source: "int main(void){}".into(),
            idempotency_key: Some("with space".into()),
        },
    ] {
        let result = battles::submit(app.state.clone(), ada.clone(), submit).await;
        assert!(
            matches!(result, Err(ApiError::InvalidPayload(_))),
            "{result:?}"
        );
    }
    let count = app.count("submissions").await;
    assert_eq!(count, 0);
}

#[tokio::test]
async fn racing_acceptances_create_exactly_one_battle() {
    let app = spawn_app(Duration::from_secs(30)).await;
    let ada = app.guest("ada").await;
    let challenge = battles::create_challenge(app.state.clone(), ada, CreateChallenge::default())
        .await
        .unwrap();
    let mut contenders = Vec::new();
    for i in 0..10 {
        contenders.push(app.guest(&format!("p{i}")).await);
    }
    let attempts = contenders.into_iter().map(|player| {
        let state = app.state.clone();
        let code = challenge.code.clone();
        tokio::spawn(async move {
            battles::accept_challenge(state, player, AcceptChallenge { code }).await
        })
    });
    let results: Vec<_> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "{results:?}");
    assert!(results.iter().all(|r| matches!(
        r,
        Ok(_) | Err(ApiError::ChallengeUnavailable) | Err(ApiError::LockBusy)
    )));
    let battles = app.count("battles").await;
    assert_eq!(battles, 1);
}

#[tokio::test]
async fn unknown_problems_and_codes_are_refused() {
    let app = spawn_app(Duration::ZERO).await;
    let ada = app.guest("ada").await;
    let unknown = battles::create_challenge(
        app.state.clone(),
        ada.clone(),
        CreateChallenge {
            problem: Some("nope".into()),
            ..CreateChallenge::default()
        },
    )
    .await;
    assert!(matches!(unknown, Err(ApiError::InvalidPayload(_))));
    let code = battles::accept_challenge(
        app.state.clone(),
        ada.clone(),
        AcceptChallenge {
            code: "ZZZZZZZZ".into(),
        },
    )
    .await;
    assert!(matches!(code, Err(ApiError::ChallengeNotFound)));
    let bad = battles::accept_challenge(
        app.state.clone(),
        ada,
        AcceptChallenge {
            code: "../etc".into(),
        },
    )
    .await;
    assert!(matches!(bad, Err(ApiError::InvalidPayload(_))));
}

#[tokio::test]
async fn a_retried_submit_with_the_same_key_is_one_submission() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let state = app.state.clone();
    let battle = app.duel(&ada, &bo).await;
    let keyed = || Submit {
        idempotency_key: Some("retry-1".into()),
        ..sum_submit(battle.battle_id)
    };

    // Sequential retries and a burst of concurrent ones all answer with the same submission.
    let first = battles::submit(state.clone(), ada.clone(), keyed())
        .await
        .unwrap();
    let again = battles::submit(state.clone(), ada.clone(), keyed())
        .await
        .unwrap();
    assert_eq!(first.submission_id, again.submission_id);
    let burst = (0..8).map(|_| {
        let (state, ada, submit) = (state.clone(), ada.clone(), keyed());
        tokio::spawn(async move { battles::submit(state, ada, submit).await })
    });
    for result in futures::future::join_all(burst).await {
        assert_eq!(result.unwrap().unwrap().submission_id, first.submission_id);
    }

    let rows = app.count("submissions").await;
    assert_eq!(rows, 1);
    let mut redis = state.redis.clone();
    let queued: i64 = redis::cmd("XLEN")
        .arg(joust_common::queue::submissions_stream(&state.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(queued, 1, "queued once");
    // Another submission needs another key.
    let other = battles::submit(
        state,
        ada,
        Submit {
            idempotency_key: Some("retry-2".into()),
            ..sum_submit(battle.battle_id)
        },
    )
    .await
    .unwrap();
    assert_ne!(other.submission_id, first.submission_id);
}
