package azure

import (
	"context"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
)

// KMS route plan actions.
const (
	ActionKeep   = "keep"   // the route exists with next hop Internet
	ActionCreate = "create" // no route for the prefix: create one
	ActionUpdate = "update" // a route for the prefix has another next hop: set it to Internet
)

// PlannedRoute is what to do for one KMS prefix.
type PlannedRoute struct {
	Name    string `json:"name"`     // route name (existing, or new: azure-kms-A-B-C-D)
	Prefix  string `json:"prefix"`   // the KMS /32
	NextHop string `json:"next_hop"` // current next hop type; "" when there is no route
	Action  string `json:"action"`   // keep, create or update
}

// KMSPlan is the plan for the KMS routes of a route table.
type KMSPlan struct {
	ResourceGroup string         `json:"resource_group"`
	RouteTable    string         `json:"route_table"`
	Routes        []PlannedRoute `json:"routes"`
}

// Changes returns the routes to create or update.
func (p *KMSPlan) Changes() []PlannedRoute {
	var out []PlannedRoute
	for _, r := range p.Routes {
		if r.Action != ActionKeep {
			out = append(out, r)
		}
	}
	return out
}

// AzCommands returns the Azure CLI commands equivalent to applying the
// plan, one per route to create or update.
func (p *KMSPlan) AzCommands() []string {
	var out []string
	for _, r := range p.Changes() {
		verb := "create"
		if r.Action == ActionUpdate {
			verb = "update"
		}
		out = append(out, fmt.Sprintf("az network route-table route %s --resource-group %s --route-table-name %s --name %s --address-prefix %s --next-hop-type Internet",
			verb, p.ResourceGroup, p.RouteTable, r.Name, r.Prefix))
	}
	return out
}

// PlanKMSRoutes lists the routes of the route table and returns what to do
// for each KMS prefix. It changes nothing.
func (c *Client) PlanKMSRoutes(ctx context.Context, rg, table string) (*KMSPlan, error) {
	var existing []*armnetwork.Route
	pager := c.routes.NewListPager(rg, table, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, wrap("list the routes of route table "+table, err)
		}
		existing = append(existing, page.Value...)
	}
	plan := &KMSPlan{ResourceGroup: rg, RouteTable: table}
	for _, prefix := range KMSPrefixes {
		pr := PlannedRoute{Name: "azure-kms-" + strings.NewReplacer(".", "-", "/32", "").Replace(prefix), Prefix: prefix, Action: ActionCreate}
		for _, r := range existing {
			if r == nil || r.Name == nil || r.Properties == nil || !samePrefix(deref(r.Properties.AddressPrefix), prefix) {
				continue
			}
			pr.Name, pr.NextHop, pr.Action = *r.Name, string(deref(r.Properties.NextHopType)), ActionUpdate
			if pr.NextHop == NextHopInternet {
				pr.Action = ActionKeep
				break
			}
		}
		plan.Routes = append(plan.Routes, pr)
	}
	return plan, nil
}

// ApplyKMSRoutes creates or updates the routes of plan that need it, one
// long-running operation each, in order, and returns the names done. Run
// again, a fresh plan has nothing left to do.
func (c *Client) ApplyKMSRoutes(ctx context.Context, plan *KMSPlan) ([]string, error) {
	var done []string
	for _, r := range plan.Changes() {
		what := fmt.Sprintf("%s route %s (%s, next hop Internet) in route table %s", r.Action, r.Name, r.Prefix, plan.RouteTable)
		route := armnetwork.Route{Properties: &armnetwork.RoutePropertiesFormat{
			AddressPrefix: &r.Prefix,
			NextHopType:   new(armnetwork.RouteNextHopTypeInternet),
		}}
		_, err := poll(ctx, c, what, func() (*runtime.Poller[armnetwork.RoutesClientCreateOrUpdateResponse], error) {
			return c.routes.BeginCreateOrUpdate(ctx, plan.ResourceGroup, plan.RouteTable, r.Name, route, nil)
		})
		if err != nil {
			return done, err
		}
		done = append(done, r.Name)
	}
	return done, nil
}
