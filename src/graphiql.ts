/** What GraphiQL opens with: a query that shows the graph's shape and what each part costs. */
export const graphiqlDefaultQuery = (exampleProject = "gitlab-org/gitlab"): string => `# agent-gateway: GitLab's cluster agents as one graph.
# Send your own GitLab token in the Headers tab:
#   { "Authorization": "Bearer <your token>" }
#
# This query costs 1 REST call for the agent list, plus one token list per agent,
# all issued at once.
query ProjectAgents($project: ID = "${exampleProject}") {
  project(id: $project) {
    agents(first: 10) {
      totalCount
      nodes {
        id
        name
        createdAt
        project { fullPath }
        tokens(first: 5) {
          nodes { name status createdAt }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;
