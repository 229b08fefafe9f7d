import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusFailure, text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import {
  commentOn,
  INSTALLATION_ID,
  startGitHubWorld,
  waitUntil,
  type GitHubWorld,
} from "./github-app-support.ts";

const OWNER = "octo";
const FINAL_MARKS = ["✅", "❌", "⏹"];
let world: GitHubWorld;

beforeAll(async () => {
  world = await startGitHubWorld();
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function tasksOf(repo: string, number: number) {
  return world.database.db
    .selectFrom("tasks")
    .selectAll()
    .where("repo", "=", repo)
    .where("issue_number", "=", number)
    .orderBy("created_at")
    .execute();
}

async function finished(repo: string, number: number, count: number) {
  return waitUntil(
    async () => {
      const tasks = await tasksOf(repo, number);
      const ended =
        tasks.length >= count &&
        tasks.every((task) => ["completed", "failed", "cancelled"].includes(task.status));
      // The task row ends first; the reporter then turns its comment into the result.
      const reported = appComments(repo, number).filter((comment) =>
        FINAL_MARKS.some((mark) => comment.body.includes(mark)),
      );
      const checked = tasks.every((task) =>
        world.github.state.checkRuns.some((run) => run.external_id === task.id && run.conclusion !== null),
      );
      return ended && reported.length >= count && checked ? tasks : undefined;
    },
    150_000,
    `${count} finished task(s) on ${repo}#${number}`,
  );
}

function appComments(repo: string, number: number) {
  return world.github.state.comments.filter(
    (comment) => comment.repo === repo && comment.issueNumber === number && comment.user.type === "Bot",
  );
}

describe("GitHub App end to end", () => {
  it("issue comment → 👀, one progress comment, check run, branch, draft PR and the final comment; follow-up resumes the session", async () => {
    const repo = "hello";
    await world.github.createRepo({
      owner: OWNER,
      name: repo,
      files: { "a.txt": "a\n" },
      permissions: { alice: "write" },
    });
    world.github.addIssue(OWNER, repo, {
      number: 1,
      title: "Add a b file",
      body: "",
      user: { login: "alice", type: "User" },
      locked: false,
      isPullRequest: false,
    });
    world.model.setScript([
      { blocks: [toolUse("Write", { file_path: "$CWD/b.txt", content: "b\n" })] },
      { blocks: [text("Added b.txt with one line.")] },
    ]);

    const response = await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 1,
        title: "Add a b file",
        body: "/agent add a file b.txt",
        login: "alice",
        commentId: 5001,
      }),
    );
    const [task] = await finished(repo, 1, 1);

    expect(response.status).toBe(200);
    expect(task).toMatchObject({ status: "completed", source: "github", installation_id: INSTALLATION_ID });
    expect(world.github.state.reactions).toContainEqual(
      expect.objectContaining({ commentId: 5001, content: "eyes" }),
    );
    const comments = appComments(repo, 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.history[0]).toContain("queued");
    expect(comments[0]!.body).toContain("✅ done");
    expect(comments[0]!.body).toContain("Added b.txt with one line.");
    expect(comments[0]!.body).toContain("`b.txt` (added, +1 -0)");
    const pull = world.github.state.pulls.find((entry) => entry.repo === repo)!;
    expect(pull).toMatchObject({ head: task!.work_branch, base: "main", draft: true });
    expect(pull.body).toContain("Resolves #1.");
    expect(comments[0]!.body).toContain(`/${OWNER}/${repo}/pull/${pull.number}`);
    expect(await world.github.git.readFile(`${OWNER}/${repo}`, task!.work_branch!, "b.txt")).toBe("b\n");
    const runs = world.github.state.checkRuns.filter((run) => run.repo === repo);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      name: "Cloud Agent",
      external_id: task!.id,
      conclusion: "success",
      head_sha: task!.commit_sha,
    });
    const token = world.github.state.tokens.find((entry) => entry.repositories !== null);
    expect(token).toMatchObject({
      installationId: INSTALLATION_ID,
      repositories: [repo],
      permissions: { contents: "write" },
    });
    expect(comments[0]!.history.join("\n")).not.toContain(token!.token);

    // Follow-up on the same issue: the previous session is restored and the same PR updated.
    world.model.setScript([
      { blocks: [toolUse("Write", { file_path: "$CWD/c.txt", content: "c\n" })] },
      { blocks: [text("Added c.txt too.")] },
    ]);
    const before = world.model.mainRequests().length;
    await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 1,
        title: "Add a b file",
        body: "/agent now add c.txt",
        login: "alice",
        commentId: 5002,
      }),
    );
    const [, second] = await finished(repo, 1, 2);

    expect(second).toMatchObject({
      error_message: null,
      status: "completed",
      resume_session_id: task!.agent_session_id,
      work_branch: task!.work_branch,
    });
    const resumed = world.model.mainRequests().slice(before)[0]!;
    expect(JSON.stringify(resumed.body)).toContain("Added b.txt with one line.");
    expect(await world.github.git.readFile(`${OWNER}/${repo}`, task!.work_branch!, "c.txt")).toBe("c\n");
    expect(await world.github.git.readFile(`${OWNER}/${repo}`, task!.work_branch!, "b.txt")).toBe("b\n");
    expect(world.github.state.pulls.filter((entry) => entry.repo === repo)).toHaveLength(1);
    expect(appComments(repo, 1)).toHaveLength(2);
  }, 300_000);

  it("a PR conversation comment commits on the PR's branch and completes the check run on its head", async () => {
    const repo = "pr-repo";
    await world.github.createRepo({
      owner: OWNER,
      name: repo,
      files: { "a.txt": "a\n" },
      permissions: { alice: "admin" },
    });
    await world.github.addPull({
      number: 2,
      owner: OWNER,
      repo,
      title: "Feature",
      body: "",
      head: "feature",
      base: "main",
      headRepo: `${OWNER}/${repo}`,
      maintainerCanModify: false,
    });
    const headBefore = await world.github.branchSha(OWNER, repo, "feature");
    world.model.setScript([
      { blocks: [toolUse("Write", { file_path: "$CWD/fix.txt", content: "fixed\n" })] },
      { blocks: [text("Fixed it on the PR branch.")] },
    ]);

    await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 2,
        title: "Feature",
        body: "/agent fix the PR",
        login: "alice",
        commentId: 6001,
        pullRequest: true,
      }),
    );
    const [task] = await finished(repo, 2, 1);

    expect(task).toMatchObject({
      status: "completed",
      is_pull_request: true,
      work_branch: "feature",
      head_sha: headBefore,
    });
    expect(await world.github.git.readFile(`${OWNER}/${repo}`, "feature", "fix.txt")).toBe("fixed\n");
    expect(world.github.state.pulls.filter((entry) => entry.repo === repo)).toHaveLength(1);
    const runs = world.github.state.checkRuns.filter((run) => run.repo === repo);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.head_sha).toBe(headBefore);
    expect(runs[0]!.statuses).toEqual(["queued", "in_progress", "success"]);
    expect(appComments(repo, 2)[0]!.body).toContain("**Pushed:**");
  }, 200_000);

  it("redelivery creates no second task; an unauthorized commenter gets one reply and no task", async () => {
    const repo = "guarded";
    await world.github.createRepo({
      owner: OWNER,
      name: repo,
      files: { "a.txt": "a\n" },
      permissions: { alice: "write", mallory: "read" },
    });
    world.model.setScript([{ blocks: [text("Nothing to change.")] }]);
    const payload = commentOn(world.github, {
      owner: OWNER,
      repo,
      number: 3,
      title: "Question",
      body: "/agent check a.txt",
      login: "alice",
      commentId: 7001,
    });

    const first = await world.deliver("issue_comment", payload, "delivery-redelivered");
    const second = await world.deliver("issue_comment", payload, "delivery-redelivered");
    await finished(repo, 3, 1);
    await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 4,
        title: "Q",
        body: "/agent delete a.txt",
        login: "mallory",
        commentId: 7002,
      }),
    );
    const refusal = await waitUntil(() => appComments(repo, 4)[0], 30_000, "refusal");

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await tasksOf(repo, 3)).toHaveLength(1);
    expect(appComments(repo, 3)).toHaveLength(1);
    expect(appComments(repo, 3)[0]!.body).toContain("no changes were needed");
    expect(world.github.state.checkRuns.find((run) => run.repo === repo)?.conclusion).toBe("neutral");
    expect(refusal.body).toContain("only people with write access");
    expect(await tasksOf(repo, 4)).toHaveLength(0);
  }, 200_000);

  it("/agent stop cancels a running task; a failing model ends in a failure comment that says how to retry", async () => {
    const repo = "stoppable";
    await world.github.createRepo({
      owner: OWNER,
      name: repo,
      files: { "a.txt": "a\n" },
      permissions: { alice: "write" },
    });
    world.model.setScript([{ failures: [{ kind: "hang" }] }]);

    await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 5,
        title: "Slow",
        body: "/agent take your time",
        login: "alice",
        commentId: 8001,
      }),
    );
    await waitUntil(
      async () => (await tasksOf(repo, 5))[0]?.status === "running" || undefined,
      60_000,
      "running",
    );
    await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 5,
        title: "Slow",
        body: "/agent stop",
        login: "alice",
        commentId: 8002,
      }),
    );
    const [stopped] = await finished(repo, 5, 1);
    await waitUntil(
      () => appComments(repo, 5)[0]?.body.includes("cancelled") || undefined,
      30_000,
      "cancelled comment",
    );

    expect(stopped!.status).toBe("cancelled");
    expect(world.github.state.reactions).toContainEqual(
      expect.objectContaining({ commentId: 8002, content: "+1" }),
    );

    world.model.setScript([{ failures: [statusFailure(500, "scripted outage")] }]);
    await world.deliver(
      "issue_comment",
      commentOn(world.github, {
        owner: OWNER,
        repo,
        number: 6,
        title: "Broken",
        body: "/agent try anyway",
        login: "alice",
        commentId: 8003,
      }),
    );
    const [failed] = await finished(repo, 6, 1);
    const comment = await waitUntil(
      () => appComments(repo, 6).find((entry) => entry.body.includes("failed")),
      30_000,
      "failure comment",
    );

    expect(failed).toMatchObject({ status: "failed", error_step: "agent" });
    expect(comment.body).toContain("**To retry:**");
    expect(
      world.github.state.checkRuns.find((run) => run.repo === repo && run.external_id === failed!.id)
        ?.conclusion,
    ).toBe("failure");
  }, 240_000);
});
