import { requireUser } from '../session';

export default async function Orders() {
  const user = await requireUser('/orders');
  return (
    <>
      <h1 id="orders-title">Orders of {user.username ?? user.id}</h1>
      <table id="orders">
        <thead>
          <tr>
            <th>Order</th>
            <th>Product</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>A-1001</td>
            <td>CS2, 30 days</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}
